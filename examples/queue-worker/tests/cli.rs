//! `queue-worker [OUT_DIR]`: where it writes and its exit codes.

use std::path::PathBuf;
use std::process::Command;

fn run(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_queue-worker")).args(args).current_dir(cwd).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn it_writes_the_stack_under_the_directory_given() {
    let dir = scratch("cli-out-dir");
    let out = run(&["synth"], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stack = dir.join("synth/stacks/queue-worker");
    for file in ["cdk.tf.json", "versions.tf.json", "policy-report.json", "assets/worker.zip"] {
        assert!(stack.join(file).is_file(), "{file} missing");
    }
    assert!(String::from_utf8_lossy(&out.stdout).contains("stacks/queue-worker"));
}

#[test]
fn without_arguments_it_writes_cdktf_out() {
    let dir = scratch("cli-default");
    let out = run(&[], &dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("cdktf.out/stacks/queue-worker/cdk.tf.json").is_file());
}

#[test]
fn bad_arguments_exit_2_and_write_nothing() {
    let dir = scratch("cli-bad");
    for args in [&["a", "b"][..], &["--out"][..]] {
        let out = run(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: queue-worker"));
    }
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    let help = run(&["--help"], &dir);
    assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).starts_with("usage:"));
}
