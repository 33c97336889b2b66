#!/usr/bin/env bash
# Train every model's weights at once on one GPU (the device machine), then bundle the
# checkpoints and run logs into $OUT/gpu_run.tar. Export, evaluation and the cards run on the
# CPU afterwards:  python -m training.train_<model> --from-checkpoint training/runs/<id>.pth
# Usage: OUT=dir bash training/gpu_all.sh [seconds per model] [device]
set -u
T=${1:-420}
DEV=${2:-cuda}
OUT=${OUT:-training/runs}
mkdir -p "$OUT/ck" training/logs
export PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
PY=${PYTHON:-python3}
command -v nvidia-smi >/dev/null && nvidia-smi -L
$PY -c "import torch, cv2, numpy; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
common="--device $DEV --steps 1000000 --max-seconds $T --train-only --save-every 60 --out $OUT/ck"
ONLY=${ONLY:-"upscale-x2 upscale-x4 denoise deblock dust"}  # which models to train
W=${WORKERS:-2}
for m in $ONLY; do
  case $m in
    upscale-x2) $PY -m training.train_upscale --scale 2 $common --workers $W > "$OUT/ck/$m.out" 2>&1 & ;;
    upscale-x4) $PY -m training.train_upscale --scale 4 $common --workers $W > "$OUT/ck/$m.out" 2>&1 & ;;
    # denoise and deblock: the recipe of the shipped first stage (later stages: training/README.md)
    denoise) $PY -m training.train_denoise $common --level estimator --loss l1 --workers $((W + 1)) > "$OUT/ck/$m.out" 2>&1 & ;;
    deblock) $PY -m training.train_deblock $common --loss l1 --workers $W > "$OUT/ck/$m.out" 2>&1 & ;;
    dust) $PY -m training.train_dust $common --workers $((W + 3)) > "$OUT/ck/$m.out" 2>&1 & ;;
  esac
done
wait
for m in $ONLY; do cp "training/logs/$m.log" "$OUT/ck/"; done
tail -n 3 "$OUT"/ck/*.out
tar -cf "$OUT/gpu_run.tar" -C "$OUT/ck" .
rm -rf "$OUT/ck"
ls -la "$OUT"
