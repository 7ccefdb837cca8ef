#!/usr/bin/env python3
"""Benchmark of `rota diff` (issue 25): the 200-schedule organisation of bench/schedules.py
(200 schedules x 3 layers x 6 members, five zones) edited the way a team lead edits it — the
members of one layer rotated in 20 schedules — compared with the files before the edit over 4
weeks, the base read from a directory and from git (HEAD, read with git show). Prints medians
and peak memory, and checks that the diff found the 20 edits.
Run: python3 bench/diff.py [--runs N] [--binary PATH]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from schedules import measure, organisation  # noqa: E402

def edit(path, schedules=20):
    """Rotates the members of layer l0 in the first `schedules` schedules."""
    lines = open(path).read().split("\n")
    edited = 0
    for index, line in enumerate(lines):
        if line.startswith("  - id: s") and int(line.split("s")[-1]) < schedules:
            for following in range(index + 1, index + 6):
                if lines[following].strip().startswith("members: ["):
                    members = lines[following].split("[", 1)[1].rstrip("]").split(", ")
                    lines[following] = lines[following].split("[", 1)[0] + "[" + ", ".join(members[1:] + members[:1]) + "]"
                    edited += 1
                    break
    open(path, "w").write("\n".join(lines))
    return edited

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--binary", default=".build/release/rota")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.path.exists(binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "rota", "--static-swift-stdlib"], check=True)
    with tempfile.TemporaryDirectory() as root:
        rotas, base = os.path.join(root, "rotas"), os.path.join(root, "base")
        os.mkdir(rotas)
        organisation(rotas)
        shutil.copytree(rotas, base)
        git = ["git", "-C", root, "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
        subprocess.run(git + ["init", "-q"], check=True)
        subprocess.run(git + ["add", "rotas"], check=True)
        subprocess.run(git + ["commit", "-q", "-m", "base"], check=True)
        if edit(os.path.join(rotas, "org.yaml")) != 20:
            sys.exit("the edit did not find its 20 layers")
        env = dict(os.environ, ROTA_DIR=rotas, ROTA_NOW="2026-12-01T10:00:00Z", ROTA_DB=os.path.join(root, "rota.db"))
        found = subprocess.run([binary, "diff", "--base", base, "--weeks", "4", "--json"], env=env, capture_output=True)
        if found.returncode not in (0, 1):
            sys.exit(f"rota diff failed: {found.stderr.decode()}")
        people = json.loads(found.stdout).get("people", [])
        print(f"the edit moved the shifts of {len(people)} people")
        if len(people) < 20:
            sys.exit("the diff did not see the edit")
        rows = [
            ("rota diff --base DIR --weeks 4 (200 schedules)", [binary, "diff", "--base", base, "--weeks", "4", "--json"]),
            ("rota diff (git HEAD) --weeks 4 (200 schedules)", [binary, "diff", "--weeks", "4", "--json"]),
            ("rota diff --base DIR --weeks 4 --markdown", [binary, "diff", "--base", base, "--weeks", "4", "--markdown"]),
        ]
        print(f"{'command':48} {'median':>9} {'peak RSS':>9} {'target':>8}")
        for name, argv in rows:
            median, peak = measure(argv, env, args.runs, accept=(0, 1))
            print(f"{name:48} {median * 1000:7.1f} ms {peak:6.1f} MiB {'1000 ms':>8}")

if __name__ == "__main__":
    main()
