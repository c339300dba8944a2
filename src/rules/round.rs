//! Numbers rounded once (issue 16): the one rule every place that shows a
//! score, mark, rate or aggregate uses — the list, the detail, the rankings,
//! the command line, every export and the chair's reasons.
//!
//! **Rule: half up, two decimal places**, on the decimal value: 84.015 shows
//! as `84.02`, 84.0149 as `84.01`, 91.2125 as `91.21`.
//!
//! Marks are entered with at most two decimals and the aggregates are sums,
//! means and weighted means of them, so a binary float carries their decimal
//! value only up to an error far below 10⁻⁹ ((1 − 0.3) × 83.25 + 0.3 × 85.8 is
//! the float `84.01499999999999`, not 84.015). [`exact`] recovers the decimal:
//! the value correctly rounded to nine decimals (the nearest float to it,
//! which serialises as `84.015` and `91.2125` in JSON); [`hundredths`] then
//! rounds that decimal half up in integer arithmetic. Every computed
//! aggregate is stored as `exact` (src/rules/aggregate.rs), and every string
//! comes from [`two`] or [`short`], so the same value reads the same
//! everywhere.

/// Decimal places [`exact`] keeps: far above any mark's (two) and far below
/// the float error of the aggregates (about 10⁻¹³ at 100 points).
const PLACES: usize = 9;
const SCALE: i128 = 1_000_000_000;

/// The value's decimal in units of 10⁻⁹, correctly rounded from the float.
fn nanos(x: f64) -> Option<i128> {
    if !x.is_finite() {
        return None;
    }
    let n = match nanos_exact(x.abs()) {
        Some(n) => n,
        None => nanos_by_text(x.abs())?,
    };
    Some(if x.is_sign_negative() { -n } else { n })
}

/// [`nanos`] of `a` ≥ 0 as `format!("{:.9}")` gives it (the exact binary
/// value rounded half to even at the ninth place), in integer arithmetic,
/// without formatting (issue 18: the ranking rounds every aggregate): `a` is
/// m × 2⁻ᵏ exactly, so a × 10⁹ is m × 10⁹ / 2ᵏ. `None` outside the range
/// where that fits in 128 bits (then [`nanos_by_text`]).
fn nanos_exact(a: f64) -> Option<i128> {
    if a == 0.0 {
        return Some(0);
    }
    let bits = a.to_bits();
    let exp = i32::try_from((bits >> 52) & 0x7ff).ok()?;
    let frac = bits & ((1u64 << 52) - 1);
    // normal numbers only; subnormals and large values take the text path
    if exp == 0 {
        return None;
    }
    let m = u128::from(frac | (1u64 << 52));
    let k = 1075 - exp; // a = m × 2^-k
    if !(1..=100).contains(&k) {
        return None;
    }
    let num = m * 1_000_000_000;
    let q = num >> k;
    let r = num & ((1u128 << k) - 1);
    let half = 1u128 << (k - 1);
    let up = r > half || (r == half && q & 1 == 1);
    i128::try_from(q + u128::from(up)).ok()
}

/// [`nanos`] of `a` ≥ 0 through the formatted decimal (the reference).
fn nanos_by_text(a: f64) -> Option<i128> {
    let s = format!("{:.*}", PLACES, a);
    let (int, frac) = s.split_once('.')?;
    let int: i128 = int.parse().ok()?;
    let frac: i128 = frac.parse().ok()?;
    int.checked_mul(SCALE)?.checked_add(frac)
}

/// `x` as the decimal it stands for: correctly rounded to nine places.
/// `exact((1.0 - 0.3) * 83.25 + 0.3 * 85.8) == 84.015`.
pub fn exact(x: f64) -> f64 {
    match nanos(x) {
        // n < 2⁵³ is an exact float and 10⁹ too, so one division is the
        // correctly rounded n / 10⁹, as parsing its decimal text gives.
        Some(n) if n.abs() < 1 << 53 => {
            let v = n.abs() as f64 / 1e9;
            if n < 0 {
                -v
            } else {
                v
            }
        }
        Some(n) => format!("{}{}.{:09}", sign(n), n.abs() / SCALE, n.abs() % SCALE)
            .parse()
            .unwrap_or(x),
        None => x,
    }
}

fn sign(n: i128) -> &'static str {
    if n < 0 {
        "-"
    } else {
        ""
    }
}

/// `x` rounded half up (away from zero on a tie) to hundredths: 84.015 → 8402.
pub fn hundredths(x: f64) -> i64 {
    let Some(n) = nanos(x) else { return 0 };
    let step = SCALE / 100;
    let r = (n.abs() + step / 2) / step;
    let r = i64::try_from(r).unwrap_or(i64::MAX);
    if n < 0 {
        -r
    } else {
        r
    }
}

/// Two decimal places, half up: `84.02`, `90.00`.
pub fn two(x: f64) -> String {
    let h = hundredths(x);
    let sign = if h < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", h.abs() / 100, h.abs() % 100)
}

/// [`two`] without trailing zeros, for sentences: `84.02`, `92.5`, `90`.
pub fn short(x: f64) -> String {
    let s = two(x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        // The report's cases: 2017-window-014 and final.json.
        // final_score's formula: (1 − w) × aggregate + w × rating / 100 × max
        let w014 = (1.0 - 0.3) * 83.25 + 0.3 * 85.8 / 100.0 * 100.0;
        assert_eq!(format!("{w014:.2}"), "84.01", "the float alone rounds down");
        assert_eq!(two(w014), "84.02");
        assert_eq!(exact(w014), 84.015);
        assert_eq!(exact(w014).to_string(), "84.015");
        assert_eq!(exact(91.21249999999999).to_string(), "91.2125");
        assert_eq!(two(91.2125), "91.21");
        assert_eq!(two(90.0), "90.00");
        assert_eq!(short(90.0), "90");
        assert_eq!(short(92.5), "92.5");
        assert_eq!(two(0.005), "0.01");
        assert_eq!(two(0.004999), "0.00");
        assert_eq!(short(-0.001), "0");
        assert_eq!(two(-1.005), "-1.01");
        assert_eq!(two(f64::NAN), "0.00");
    }

    /// 2017-window-014: the final score reads 84.02 in every place, and its
    /// JSON is the decimal, not the float's 84.01499999999999.
    #[test]
    fn window_014_reads_the_same_everywhere() {
        use crate::rules::aggregate::final_score;
        let (f, _) = final_score(Some(83.25), Some(85.8), 0.3, 100.0);
        let f = f.unwrap_or_default();
        assert_eq!(crate::export::score(Some(f)), "84.02");
        assert_eq!(crate::export::csv::number(f), "84.02");
        assert_eq!(crate::export::csv::num(Some(f)), "84.02");
        assert_eq!(crate::rules::text::num(f), "84.02");
        assert_eq!(serde_json::to_string(&f).unwrap_or_default(), "84.015");
        let m = crate::rules::aggregate::mean(&[91.2, 91.225]).unwrap_or_default();
        assert_eq!(serde_json::to_string(&m).unwrap_or_default(), "91.2125");
    }

    /// The reference: exact and nanos as they were, through text.
    fn exact_by_text(x: f64) -> f64 {
        let Some(n) = nanos_by_text(x.abs()).filter(|_| x.is_finite()) else {
            return x;
        };
        let n = if x.is_sign_negative() { -n } else { n };
        format!("{}{}.{:09}", sign(n), n.abs() / SCALE, n.abs() % SCALE)
            .parse()
            .unwrap_or(x)
    }

    /// Issue 18: the integer rounding equals the formatted one, exact ties
    /// (odd multiples of 2⁻¹⁰ .. 2⁻³⁰ have a 5 right after the ninth place,
    /// or further) and the ranges' ends included.
    #[test]
    fn integer_nanos_equal_the_text_on_ties_and_edges() {
        let mut xs = vec![
            0.0,
            -0.0,
            1e-300,
            5e-324,
            1e300,
            2f64.powi(47),
            2f64.powi(60),
        ];
        for j in 10..=40 {
            for odd in [1u64, 3, 5, 7, 1023, 12345, 99_999] {
                xs.push(odd as f64 / 2f64.powi(j));
                xs.push(-(odd as f64) / 2f64.powi(j));
                xs.push(100.0 + odd as f64 / 2f64.powi(j));
            }
        }
        for x in xs {
            let want = nanos_by_text(x.abs()).map(|n| if x.is_sign_negative() { -n } else { n });
            assert_eq!(nanos(x), want, "{x:e}");
            assert_eq!(exact(x).to_bits(), exact_by_text(x).to_bits(), "{x:e}");
        }
    }

    proptest! {
        /// Issue 18: on any float, the integer path equals the text path.
        #[test]
        fn integer_nanos_equal_the_text(bits in any::<u64>(), k in 0i64..100_000_000, w in 0i64..=100) {
            let x = f64::from_bits(bits);
            let want = nanos_by_text(x.abs()).filter(|_| x.is_finite()).map(|n| if x.is_sign_negative() { -n } else { n });
            prop_assert_eq!(nanos(x), want);
            prop_assert_eq!(exact(x).to_bits(), exact_by_text(x).to_bits());
            // aggregates: weighted means of marks with two decimals
            let y = (1.0 - w as f64 / 100.0) * (k as f64 / 1e6) + (w as f64 / 100.0) * (k as f64 / 1e4);
            prop_assert_eq!(nanos(y), nanos_by_text(y));
            prop_assert_eq!(exact(y).to_bits(), exact_by_text(y).to_bits());
        }

        /// Half up, two places: a value of k thousandths rounds to the
        /// hundredth integer arithmetic gives, however the float came out.
        #[test]
        fn rounding_is_half_up(k in 0i64..10_000_000) {
            let x = k as f64 / 1000.0;
            let expected = (k + 5) / 10;
            prop_assert_eq!(hundredths(x), expected);
            prop_assert_eq!(two(x), format!("{}.{:02}", expected / 100, expected % 100));
        }

        /// The final score of marks with two decimals and a weight in
        /// hundredths is rounded from its exact decimal value.
        #[test]
        fn weighted_marks_round_from_their_decimal(
            a in 0i64..=10_000, b in 0i64..=10_000, w in 0i64..=100,
        ) {
            // exact: (a × (100 − w) + b × w) / 10⁴ points, in 10⁻⁴ units
            let units = a * (100 - w) + b * w;
            let expected = (units + 50) / 100;
            let x = (1.0 - w as f64 / 100.0) * (a as f64 / 100.0)
                + (w as f64 / 100.0) * (b as f64 / 100.0);
            prop_assert_eq!(hundredths(x), expected, "{} {} {}", a, b, w);
            prop_assert_eq!(hundredths(exact(x)), expected);
        }

        /// Every way a value is shown is the same rounded string.
        #[test]
        fn every_form_agrees(x in 0.0f64..1000.0) {
            let t = two(x);
            prop_assert_eq!(short(x), t.trim_end_matches('0').trim_end_matches('.'));
            prop_assert_eq!(two(exact(x)), t.clone());
            prop_assert_eq!(crate::rules::text::num(x), short(x));
            prop_assert_eq!(crate::export::score(Some(x)), t.clone());
            prop_assert_eq!(crate::export::csv::number(x), short(x));
            prop_assert_eq!(crate::export::csv::num(Some(x)), t);
        }
    }
}
