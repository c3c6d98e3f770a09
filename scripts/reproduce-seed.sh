#!/usr/bin/env bash
# Reproduces the seed's findings (issue 9) and regenerates docs/RESULTS.md from the stored run outputs.
# Resumable: every step is skipped when its output exists; probes resume from their last checkpoint.
# Usage: scripts/reproduce-seed.sh [RUNS_DIR]   (default /work/results-runs; the folder is NOT part of the repo)
# Knobs (environment): AE_EPOCHS (60), AE_BATCH (64), SSFT_EPOCHS (8), SSFT_ARCH (lenet), FASHION_EPOCHS (6), THREADS (1),
#                      SKIP_FASHION=1 / SKIP_LONG=1 to leave Fashion-MNIST / the long MNIST-10k AE out, HS (the binary).
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="$(mkdir -p "${1:-/work/results-runs}" && cd "${1:-/work/results-runs}" && pwd)"
HS="${HS:-$REPO/src/Cli/bin/Release/net10.0/linux-x64/hardsamples}"
AE_EPOCHS="${AE_EPOCHS:-60}"; AE_BATCH="${AE_BATCH:-64}"; SSFT_EPOCHS="${SSFT_EPOCHS:-8}"; SSFT_ARCH="${SSFT_ARCH:-lenet}"
FASHION_EPOCHS="${FASHION_EPOCHS:-6}"; THREADS="${THREADS:-1}"; SEED=91
[ -x "$HS" ] || dotnet build "$REPO/src/Cli/" -c Release

# The machine every number was measured on (read back by `hardsamples eval seed-tables`).
if [ ! -f "$RUNS/machine.json" ]; then
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//;s/"/\\"/g')"
  printf '{"nproc": %s, "cpu": "%s", "date": "%s", "os": "%s"}\n' "$(nproc)" "$cpu" "$(date -u +%FT%TZ)" \
    "$(. /etc/os-release && echo "$PRETTY_NAME")" > "$RUNS/machine.json"
fi

# settings RUN JOB KIND EPOCHS BATCH [ARCH [THREADS]]: what was asked for (the arrays tell how many epochs ran).
settings() {
  mkdir -p "$RUNS/$1/settings"
  printf '{"job": "%s", "probe": "%s", "epochs": %s, "batch": %s, "seed": %s, "arch": "%s", "threads": %s}\n' \
    "$2" "$3" "$4" "$5" "$SEED" "${6:-}" "${7:-$THREADS}" > "$RUNS/$1/settings/$2.json"
}

prepare() { # RUN SOURCE ARGS...
  local run="$1" source="$2"; shift 2
  [ -f "$RUNS/$run/data/manifest.json" ] || "$HS" dataset prepare "$source" --out "$RUNS/$run/data" --seed $SEED "$@"
}

ae() { # RUN EPOCHS BATCH SNAPSHOT_EVERY (LID/silhouette snapshot interval) [THREADS]
  local threads="${5:-$THREADS}"
  settings "$1" ae ae "$2" "$3" "" "$threads"
  [ -f "$RUNS/$1/probes/ae/result.json" ] || "$HS" train ae --dataset "$RUNS/$1/data" --out "$RUNS/$1" --epochs "$2" --batch-size "$3" --seed $SEED --threads "$threads"
  if [ ! -f "$RUNS/$1/results/metrics.csv" ]; then
    local start end
    start=$(date +%s.%N)
    "$HS" metrics --embeddings "$RUNS/$1/probes/ae/embeddings.npy" --losses "$RUNS/$1/probes/ae/losses.npy" \
      --ks 0,10,20,50 --lid-every "$4" --sil-every "$4" --extended --out "$RUNS/$1/results"
    end=$(date +%s.%N)
    printf '{"seconds": %s, "ks": "0,10,20,50", "lid_every": %s, "sil_every": %s, "extended": true}\n' \
      "$(echo "$end - $start" | bc)" "$4" "$4" > "$RUNS/$1/results/metrics-timing.json"
  fi
}

ssft() { # RUN EPOCHS
  settings "$1" ssft-ab ssft "$2" 128 "$SSFT_ARCH"; settings "$1" ssft-ba ssft "$2" 128 "$SSFT_ARCH"
  [ -f "$RUNS/$1/probes/ssft-ba/result.json" ] || "$HS" train ssft --dataset "$RUNS/$1/data" --out "$RUNS/$1" --epochs "$2" --arch "$SSFT_ARCH" --seed $SEED --threads "$THREADS"
}

# MNIST-10k: 9,000 originals + 500 mixtures (seed recipe, seed 91) + 100 near-duplicates; label flips 0.1/1/5 %.
for f in 0.001 0.01 0.05; do prepare "mnist10k-flip$f" mnist-sample --mix 0.1 --flip $f --dups 0.01; done
# The images are identical in the three runs: one AE serves all. Batch 64 gives 150 Adam steps per epoch on 9,600
# images, close to the seed's 112 (batch 512 on 57,000); batch 512 here would give 19 and the AE barely leaves the
# constant-background solution in the epochs that fit.
ae mnist10k-flip0.001 "$AE_EPOCHS" "$AE_BATCH" 10
for f in 0.001 0.01 0.05; do ssft "mnist10k-flip$f" "$SSFT_EPOCHS"; done

# The longest MNIST-10k AE that fit the session once the other runs were done: same data, batch 32 (300 steps per
# epoch), 80 epochs = 24,000 Adam steps (the seed: 600 × 112 = 67,200). SKIP_LONG=1 leaves it out.
if [ -z "${SKIP_LONG:-}" ]; then
  prepare mnist10k-long mnist-sample --mix 0.1 --flip 0.001 --dups 0.01
  ae mnist10k-long "${LONG_EPOCHS:-80}" 32 10 2
fi

# Fashion-MNIST train: 57,000 samples (54,000 originals + 3,000 mixtures), no flips/duplicates, as the seed's 60k set.
if [ -z "${SKIP_FASHION:-}" ]; then
  prepare fashion-mnist fashion-mnist --mix 0.1 --flip 0 --dups 0 --norm 0.2860/0.3530
  # Batch 64 as for MNIST-10k: at the seed's batch 512 the AE stayed at the constant-output loss (~0.598, mixture
  # AUC 0.50) for the 6 epochs tried here; 890 steps per epoch get it moving within the epochs that fit.
  ae fashion-mnist "$FASHION_EPOCHS" 64 2
fi

"$HS" eval seed-tables --runs "$RUNS" --out "$REPO/docs/RESULTS.md" --summary "$REPO/docs/results"
