//! Raw OS and git errors as a sentence saying what to do, in the interface
//! language; the raw cause is shown after it (by the caller), never instead.
//!
//! [`advice`] walks an error's chain of causes for the first `std::io::Error`
//! (by its [`std::io::ErrorKind`], or the OS error number for a full disk)
//! or `git2::Error` (by its code, then its class), and for text a `git`
//! process printed (a sync's push or fetch) matches git's own well-known
//! sentences ([`advice_text`]).

use std::error::Error;
use std::io::ErrorKind;

use super::Lang;

/// The sentence for the first cause in `err`'s chain that has one.
pub fn advice(err: &(dyn Error + 'static), lang: Lang) -> Option<&'static str> {
    let mut cur = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(a) = io_advice(io, lang) {
                return Some(a);
            }
        }
        if let Some(g) = e.downcast_ref::<git2::Error>() {
            if let Some(a) = git_advice(g, lang) {
                return Some(a);
            }
        }
        cur = e.source();
    }
    advice_text(&err.to_string(), lang)
}

/// What to do about an I/O error.
pub fn io_advice(e: &std::io::Error, lang: Lang) -> Option<&'static str> {
    // ENOSPC / EDQUOT: the disk (or the quota) is full
    if matches!(e.raw_os_error(), Some(28) | Some(122)) || e.kind() == ErrorKind::StorageFull {
        return Some(full(lang));
    }
    Some(match e.kind() {
        ErrorKind::NotFound => lang.pick(
            "找不到這個文件或文件夾：請檢查路徑是否寫對（評選倉庫可用 --repo 指明）",
            "no such file or folder: check the path (name the campaign repository with --repo)",
        ),
        ErrorKind::PermissionDenied => lang.pick(
            "沒有權限：請檢查這個文件或文件夾的所有者和權限，或請管理員給您寫權限",
            "permission denied: check who owns the file or folder and its permissions, or ask the administrator for write access",
        ),
        ErrorKind::ReadOnlyFilesystem => lang.pick(
            "磁盤是只讀的：請把評選倉庫放到可寫的磁盤上",
            "the disk is read-only: keep the campaign repository on a writable disk",
        ),
        ErrorKind::AlreadyExists => lang.pick(
            "已經存在同名的文件或文件夾：請換一個名字，或先移走舊的",
            "a file or folder of that name already exists: choose another name or move the old one away",
        ),
        ErrorKind::ResourceBusy | ErrorKind::WouldBlock => lang.pick(
            "文件正被另一個程序使用：請等它結束後重試",
            "the file is in use by another program: try again when it has finished",
        ),
        ErrorKind::InvalidData => lang.pick(
            "文件內容無法讀取（可能不是 UTF-8 文本）：請用 UTF-8 保存後重試",
            "the file cannot be read (perhaps not UTF-8 text): save it as UTF-8 and try again",
        ),
        ErrorKind::TimedOut => lang.pick(
            "連接超時：請檢查網絡後重試",
            "the connection timed out: check the network and try again",
        ),
        ErrorKind::ConnectionRefused
        | ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted
        | ErrorKind::NotConnected
        | ErrorKind::HostUnreachable
        | ErrorKind::NetworkUnreachable
        | ErrorKind::NetworkDown
        | ErrorKind::AddrNotAvailable => network(lang),
        _ => return None,
    })
}

/// What to do about a libgit2 error.
pub fn git_advice(e: &git2::Error, lang: Lang) -> Option<&'static str> {
    use git2::{ErrorClass, ErrorCode};
    Some(match (e.code(), e.class()) {
        (ErrorCode::Locked, _) => lang.pick(
            "倉庫正被另一個 git 程序鎖定：請等它結束後重試；若沒有 git 在運行，刪除提示中的 .lock 文件",
            "the repository is locked by another git program: try again when it has finished; if no git is running, remove the .lock file named below",
        ),
        (ErrorCode::Auth, _) | (_, ErrorClass::Ssh) => lang.pick(
            "遠端倉庫拒絕了您的身份：請檢查 ssh 密鑰是否已加入服務器（ssh-add -l 查看）",
            "the remote repository refused your identity: check that your ssh key is on the server (ssh-add -l lists it)",
        ),
        (ErrorCode::Certificate, _) => lang.pick(
            "遠端服務器的證書無法驗證：請向管理員確認服務器地址",
            "the remote server's certificate cannot be verified: check the server address with the administrator",
        ),
        (ErrorCode::NotFastForward, _) => lang.pick(
            "遠端已有新的提交：請先同步（pingxuan sync）再重試",
            "the remote has new commits: sync first (pingxuan sync), then try again",
        ),
        (ErrorCode::NotFound, ErrorClass::Repository) => lang.pick(
            "這裏不是評選倉庫：請進入評選的文件夾，或用 --repo 指明",
            "this is not a campaign repository: go to the campaign's folder or name it with --repo",
        ),
        (_, ErrorClass::Net | ErrorClass::Http) => network(lang),
        (_, ErrorClass::Os) => lang.pick(
            "操作系統拒絕了這個操作：請檢查磁盤空間和文件權限",
            "the operating system refused: check the disk space and the file permissions",
        ),
        _ => return None,
    })
}

/// What to do about the words a `git` process printed (a sync's push, fetch).
pub fn advice_text(text: &str, lang: Lang) -> Option<&'static str> {
    let t = text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["no space left on device", "disk quota exceeded"]) {
        Some(full(lang))
    } else if has(&["permission denied (publickey", "authentication failed"]) {
        git_advice(
            &git2::Error::new(git2::ErrorCode::Auth, git2::ErrorClass::Ssh, ""),
            lang,
        )
    } else if has(&[
        "could not resolve host",
        "connection refused",
        "connection timed out",
        "network is unreachable",
        "could not read from remote repository",
        "connection reset",
    ]) {
        Some(network(lang))
    } else if has(&["index.lock", "unable to create", "another git process"]) && t.contains("lock")
    {
        git_advice(
            &git2::Error::new(git2::ErrorCode::Locked, git2::ErrorClass::Index, ""),
            lang,
        )
    } else if has(&["not a git repository"]) {
        git_advice(
            &git2::Error::new(git2::ErrorCode::NotFound, git2::ErrorClass::Repository, ""),
            lang,
        )
    } else if has(&["permission denied"]) {
        io_advice(&std::io::Error::from(ErrorKind::PermissionDenied), lang)
    } else {
        None
    }
}

fn full(lang: Lang) -> &'static str {
    lang.pick(
        "磁盤已滿：請清理磁盤空間後重試（沒有寫入任何內容）",
        "the disk is full: free some space and try again (nothing was written)",
    )
}

fn network(lang: Lang) -> &'static str {
    lang.pick(
        "連不上遠端倉庫：請檢查網絡和遠端地址（git remote -v），稍後重試",
        "cannot reach the remote repository: check the network and the remote address (git remote -v), then try again",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(std::io::Error);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "writing the record: {}", self.0)
        }
    }
    impl Error for Wrapped {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn os_errors_say_what_to_do_in_three_languages() {
        let full = Wrapped(std::io::Error::from_raw_os_error(28));
        for lang in Lang::ALL {
            let a = advice(&full, lang).unwrap_or_default();
            assert!(!a.is_empty(), "{lang:?}");
            assert_eq!(lang.zh(), !a.is_ascii(), "{a}");
        }
        assert!(advice(&full, Lang::Zh)
            .unwrap_or_default()
            .contains("磁盤已滿"));
        assert!(advice(&full, Lang::ZhHans)
            .unwrap_or_default()
            .contains("磁盘已满"));
        let denied = std::io::Error::from(ErrorKind::PermissionDenied);
        assert!(advice(&denied, Lang::Zh)
            .unwrap_or_default()
            .contains("沒有權限"));
        let gone = std::io::Error::from(ErrorKind::NotFound);
        assert!(advice(&gone, Lang::En)
            .unwrap_or_default()
            .contains("--repo"));
        // an error with nothing to add gets nothing
        let other = std::io::Error::other("odd");
        assert_eq!(advice(&other, Lang::Zh), None);
    }

    #[test]
    fn git_errors_by_code_class_and_by_what_git_printed() {
        let locked = git2::Error::new(git2::ErrorCode::Locked, git2::ErrorClass::Index, "x");
        assert!(advice(&locked, Lang::Zh)
            .unwrap_or_default()
            .contains("鎖定"));
        let repo = git2::Error::new(
            git2::ErrorCode::NotFound,
            git2::ErrorClass::Repository,
            "could not find repository",
        );
        assert!(advice(&repo, Lang::Zh)
            .unwrap_or_default()
            .contains("不是評選倉庫"));
        let net = git2::Error::new(git2::ErrorCode::GenericError, git2::ErrorClass::Net, "x");
        assert!(advice(&net, Lang::En)
            .unwrap_or_default()
            .contains("network"));
        assert!(advice_text(
            "ssh: Could not resolve host: git.example\nfatal: Could not read from remote repository.",
            Lang::Zh
        )
        .unwrap_or_default()
        .contains("連不上遠端"));
        assert!(
            advice_text("git@x: Permission denied (publickey).", Lang::Zh)
                .unwrap_or_default()
                .contains("ssh 密鑰")
        );
        assert_eq!(advice_text("everything up-to-date", Lang::Zh), None);
    }
}
