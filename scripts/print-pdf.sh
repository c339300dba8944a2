#!/usr/bin/env bash
# Print an exported HTML file to PDF (A4) with headless Chromium, offline.
#   scripts/print-pdf.sh notice.html [notice.pdf]
# Needs Debian's `chromium` (apt-get install -y chromium) and, for Chinese glyphs,
# `fonts-noto-cjk`. Set CHROMIUM to use another binary. Exits non-zero when Chromium
# fails or writes no PDF.
set -euo pipefail
html=${1:?usage: scripts/print-pdf.sh FILE.html [OUT.pdf]}
pdf=${2:-${html%.*}.pdf}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$chromium" ]; then
    echo "chromium not found: apt-get install -y chromium fonts-noto-cjk" >&2
    exit 127
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$pdf"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --no-pdf-header-footer --user-data-dir="$profile" \
    --print-to-pdf="$pdf" "file://$(realpath "$html")" >/dev/null 2>"$profile/stderr" || {
    cat "$profile/stderr" >&2
    exit 1
}
if [ ! -s "$pdf" ]; then
    cat "$profile/stderr" >&2
    echo "no PDF written: $pdf" >&2
    exit 1
fi
echo "$pdf"
