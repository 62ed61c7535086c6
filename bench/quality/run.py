#!/usr/bin/env python3
"""bench/quality: dev error rates of tandem vs the PyTorch reference at equal minutes, bf16 vs fp32.

Issue 6's quality checks on the small configuration (bench/small.yaml, g2p), end to end:
  A  tandem (fp32), tandem (train.precision=bf16) and the PyTorch reference
     (bench/reference/torch_seq2seq.py) each train for the same wall-clock minutes, then decode
     examples/g2p/data/nostress/dev.src (greedy and beam 5) with their own model.
  B  tandem, a fixed number of steps, fp32 vs bf16 training, two seeds each; every model decoded
     greedily in fp32, the fp32 ones also with decode.precision=bf16.
WER and PER come from examples/g2p/evaluate.py (a word is right if it equals any listed
pronunciation, dev.refs.tsv) for both sides alike. Prints markdown tables, writes
OUT/results.json (OUT: --out, runs/quality by default).

Equal minutes: the reference stops its training loop after --minutes (its --minutes option).
tandem has no time limit, so a short calibration run per precision gives its steady steps/s
(from the times its progress lines appear) and the step count is chosen to fill the minutes;
the training time actually reached is reported (process start to the last step's progress line).
tandem validates once, after its last step (train.valid_every = max_steps, dev set
dev.small.*), so its model is the last weights, as the reference's is.

Environment: TANDEM (the binary; unset: built with the release preset), SLOT (a command prefix
every measured run is started under, e.g. a script that takes the machine's CPU slots),
PY (the Python with torch for the reference; default /usr/bin/python3).
Usage: bench/quality/run.py [--part A|B|all] [--minutes 4] [--steps 2000] [--seeds 1,2]
"""

import argparse
import hashlib
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG = "bench/small.yaml"
DATA = "examples/g2p/data/nostress/"
DEV_SRC, DEV_REFS = DATA + "dev.src", DATA + "dev.refs.tsv"
EVALUATE = "examples/g2p/evaluate.py"
REFERENCE = "bench/reference/torch_seq2seq.py"
STEP_LINE = re.compile(r"^step (\d+) \| epoch")


def die(msg):
    sys.exit("bench/quality/run.py: " + msg)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run(cmd, env=None, step_times=False):
    """Runs cmd under $SLOT and /usr/bin/time; → (stdout, info). info: wall seconds, peak RSS,
    load averages before and after, and with step_times the seconds from the process's start
    at which each 'step N' progress line of tandem appeared."""
    slot = shlex.split(os.environ.get("SLOT", ""))
    timed = ["/usr/bin/time", "-f", "@@time %e %M"] + cmd
    info = {"started_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            "load_before": loadavg()}
    p = subprocess.Popen(slot + timed, cwd=ROOT, env=dict(os.environ, **(env or {})),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in p.stderr:  # stamped as they come: tandem's progress lines carry no time
        lines.append((time.monotonic(), line))
    out = p.stdout.read()
    p.wait()
    end = time.monotonic()
    stats = [ln for _, ln in lines if ln.startswith("@@time ")]
    if p.returncode != 0 or not stats:
        die("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd),
                                     "".join(ln for _, ln in lines)[-3000:]))
    wall, rss = stats[-1].split()[1:3]
    info.update(wall_s=float(wall), peak_rss_mib=int(rss) / 1024, load_after=loadavg())
    if step_times:
        origin = end - float(wall)  # when the command itself began (after waiting for $SLOT)
        info["steps"] = [(int(m.group(1)), t - origin) for t, ln in lines
                         for m in [STEP_LINE.match(ln)] if m]
    return out, info


def sha256(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tandem():
    if os.environ.get("TANDEM"):
        return os.environ["TANDEM"]
    subprocess.run("cmake --preset release >/dev/null && cmake --build --preset release "
                   "--target tandem", shell=True, cwd=ROOT, check=True)
    return "build/release/src/tandem"


def tandem_train(args, model_dir, steps, precision, seed):
    """Trains tandem; → info with the training time (start to last step line) and the mean
    target tokens/s of train_log.tsv's windows after step 100."""
    subprocess.run(["rm", "-rf", os.path.join(ROOT, model_dir)], check=True)
    sets = {"train.model_dir": model_dir, "train.max_steps": steps, "train.threads": args.threads,
            "train.precision": precision, "train.seed": seed, "train.log_every": 50,
            "train.valid_every": steps, "train.checkpoint_every": 100000,
            "data.dev_source": DATA + "dev.small.src", "data.dev_target": DATA + "dev.small.tgt"}
    cmd = [args.tandem, "train", "--config", CONFIG]
    for k, v in sets.items():
        cmd += ["--set", "%s=%s" % (k, v)]
    _, info = run(cmd, {"OPENBLAS_NUM_THREADS": str(args.threads)}, step_times=True)
    info["cmd"] = " ".join(cmd)
    info["train_steps"] = steps
    info["train_s"] = info["steps"][-1][1]
    rates = []
    with open(os.path.join(ROOT, model_dir, "train_log.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        col = header.index("target_tokens_per_s")
        for line in f:
            row = line.rstrip("\n").split("\t")
            if int(row[0]) > 100 and row[col]:
                rates.append(float(row[col]))
    info["tokens_per_s"] = statistics.mean(rates)
    return info


def steady_steps_per_s(info):
    """Steps/s between the step-100 progress line and the last one."""
    pts = [(s, t) for s, t in info["steps"] if s >= 100]
    (s0, t0), (s1, t1) = pts[0], pts[-1]
    return (s1 - s0) / (t1 - t0)


def score(hyp):
    out = subprocess.run([sys.executable, EVALUATE, "--refs", DEV_REFS, "--src", DEV_SRC,
                          "--hyp", hyp, "--json"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        die("evaluate.py failed on %s: %s" % (hyp, out.stderr))
    r = json.loads(out.stdout)
    return {"wer": r["wer"], "per": r["per"], "wrong_words": r["wrong_words"]}


def tandem_decode(args, model_dir, beam, precision):
    hyp = os.path.join(model_dir, "dev.beam%d.%s" % (beam, precision))
    cmd = [args.tandem, "translate", "--model", model_dir, "--input", DEV_SRC, "--output", hyp,
           "--beam", str(beam), "--set", "decode.precision=" + precision]
    _, info = run(cmd, {"OPENBLAS_NUM_THREADS": str(args.threads)})
    return dict(score(hyp), decode_s=info["wall_s"], cmd=" ".join(cmd))


def part_a(args, out):
    beams = [1] if args.no_beam else [1, 5]
    res = {"minutes": args.minutes, "runs": {}}
    for precision in ("fp32", "bf16"):
        cal = tandem_train(args, os.path.join(out, "cal-" + precision), args.calibration_steps,
                           precision, 1)
        rate = steady_steps_per_s(cal)
        startup = cal["steps"][0][1] - 50 / rate  # loading before the first step
        steps = max(100, int(round((60 * args.minutes - startup) * rate / 50)) * 50)
        model_dir = os.path.join(out, "A-tandem-" + precision)
        info = tandem_train(args, model_dir, steps, precision, 1)
        info["calibration_steps_per_s"] = rate
        info["decode"] = {b: tandem_decode(args, model_dir, b, "fp32") for b in beams}
        res["runs"]["tandem " + precision] = info
        print("A tandem %s: %d steps in %.1f s" % (precision, steps, info["train_s"]),
              file=sys.stderr)
    hyp = os.path.join(ROOT, out, "A-reference.beam{beam}")
    cmd = [args.py, REFERENCE, "--config", CONFIG, "--intra-threads", "1", "--steps", "10000000",
           "--minutes", str(args.minutes), "--seed", "1", "--translate", DEV_SRC,
           "--beam", ",".join(map(str, beams)), "--output", hyp]
    stdout, info = run(cmd, {"OPENBLAS_NUM_THREADS": str(args.threads), "OMP_NUM_THREADS": "1"})
    ref = json.loads(stdout)
    info.update(cmd=" ".join(cmd), train_steps=ref["train_steps"], train_s=ref["train_seconds"],
                tokens_per_s=ref["train_target_tokens_per_s"], torch=ref["torch"])
    info["decode"] = {b: dict(score(hyp.replace("{beam}", str(b))),
                              decode_s=ref["translate_beam%d_seconds" % b]) for b in beams}
    res["runs"]["PyTorch reference"] = info
    return res


def part_b(args, out):
    res = {"steps": args.steps, "runs": {}}
    for precision in ("fp32", "bf16"):
        for seed in args.seeds:
            model_dir = os.path.join(out, "B-%s-seed%d" % (precision, seed))
            info = tandem_train(args, model_dir, args.steps, precision, seed)
            decodes = ("fp32", "bf16") if precision == "fp32" else ("fp32",)
            info["decode"] = {d: tandem_decode(args, model_dir, 1, d) for d in decodes}
            res["runs"]["%s seed %d" % (precision, seed)] = info
            print("B %s seed %d done" % (precision, seed), file=sys.stderr)
    return res


def table_a(a):
    print("\n## A. Same wall-clock minutes (%g): dev WER / PER, %% (6,265 words)\n" % a["minutes"])
    print("| system | steps | training s | target tok/s | greedy WER | greedy PER | beam-5 WER "
          "| beam-5 PER | peak RSS MiB | load before → after |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in a["runs"].items():
        d = {int(k): v for k, v in r["decode"].items()}
        b5 = d.get(5, {})
        print("| %s | %d | %.1f | %.0f | %.2f | %.2f | %s | %s | %.0f | %s → %s |" % (
            name, r["train_steps"], r["train_s"], r["tokens_per_s"], d[1]["wer"], d[1]["per"],
            "%.2f" % b5["wer"] if b5 else "–", "%.2f" % b5["per"] if b5 else "–",
            r["peak_rss_mib"], r["load_before"], r["load_after"]))


def table_b(b):
    print("\n## B. %d steps, fp32 vs bf16 training: dev WER / PER, %% (greedy)\n" % b["steps"])
    print("| training | seed | target tok/s | training s | WER (fp32 decode) | PER (fp32 decode) "
          "| WER (bf16 decode) | PER (bf16 decode) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in b["runs"].items():
        precision, _, seed = name.split()
        f, h = r["decode"]["fp32"], r["decode"].get("bf16")
        print("| %s | %s | %.0f | %.1f | %.2f | %.2f | %s | %s |" % (
            precision, seed, r["tokens_per_s"], r["train_s"], f["wer"], f["per"],
            "%.2f" % h["wer"] if h else "–", "%.2f" % h["per"] if h else "–"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("A", "B", "all"), default="all")
    ap.add_argument("--minutes", type=float, default=4.0, help="A: training minutes per system")
    ap.add_argument("--steps", type=int, default=2000, help="B: training steps")
    ap.add_argument("--seeds", default="1,2", help="B: train.seed values")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--calibration-steps", type=int, default=400,
                    help="A: steps of the runs that measure tandem's steps/s (at least 200)")
    ap.add_argument("--no-beam", action="store_true", help="A: greedy decoding only")
    ap.add_argument("--out", default="runs/quality", help="folder for models and results")
    ap.add_argument("--print-only", action="store_true", help="print OUT/results.json's tables")
    args = ap.parse_args()
    try:
        args.seeds = [int(s) for s in args.seeds.split(",")]
    except ValueError:
        ap.error("--seeds: expected integers separated by commas, got %r" % args.seeds)
    args.py = os.environ.get("PY", "/usr/bin/python3")
    path = os.path.join(ROOT, args.out, "results.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    if not args.print_only:
        args.tandem = tandem()
        os.makedirs(os.path.join(ROOT, args.out), exist_ok=True)
        results["machine"] = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True,
                                            capture_output=True, text=True).stdout.strip()
        results["tandem"] = args.tandem
        # The binary can be rebuilt by others during a long run: its hash before and after.
        results["tandem_sha256_start"] = sha256(args.tandem)
        results["commit"] = subprocess.run(["git", "log", "-1", "--format=%H %cd"], cwd=ROOT,
                                           capture_output=True, text=True).stdout.strip()
        for part, fn in (("A", part_a), ("B", part_b)):
            if args.part in (part, "all"):
                results[part] = fn(args, args.out)
                results[part]["finished_utc"] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
                results[part]["tandem_sha256_end"] = sha256(args.tandem)
                tmp = path + ".tmp"
                with open(tmp, "w") as f:
                    json.dump(results, f, indent=1)
                os.replace(tmp, path)
    print("machine: %s; results: %s" % (results.get("machine"), path))
    if "A" in results:
        table_a(results["A"])
    if "B" in results:
        table_b(results["B"])


if __name__ == "__main__":
    main()
