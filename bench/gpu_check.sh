#!/usr/bin/env bash
# GPU check (prepared, <= 5 minutes; it has NOT been run by the project: no GPU was available when it was written).
#
#   bash bench/gpu_check.sh [MODEL]      # MODEL: shipped name, preset or local HF checkpoint (default tiny-base)
#
# 1. the Hugging Face checkpoint tests (a tiny Qwen2 with a BPE tokenizer: load, chat template, a GRPO and an SFT step)
#    on the GPU: nothing may assume a CPU;
# 2. the R1-Zero recipe's smoke test: 3 GRPO steps, evaluation on 8 held-out problems before and after;
# 3. the GRPO benchmark: B=8 prompts x G=8 completions x 128 new tokens, 2 warm-up steps then 5 timed ones; prints
#    s/step, completion tokens/s, the split between sampling and update, the device, precision and peak memory;
# 4. the equal-work bench against TRL (bench/grpo_vs_trl.py, 8 interleaved steps) and the sampler bench
#    (bench/rollouts.py) on the GPU, when TRL is installed (pip install -e ".[bench]").
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL="${1:-tiny-base}"
OUT="$(mktemp -d)"
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA GPU visible'; print('GPU:', torch.cuda.get_device_name(0))"

echo "== 1. HF checkpoint tests on the GPU"
timeout 120 python -m pytest -q tests/test_hf_checkpoint.py

echo "== 2. recipe smoke test: r1repro zero --model $MODEL --steps 3 --eval-n 8"
timeout 120 r1repro zero --model "$MODEL" --steps 3 --eval-n 8 --run-dir "$OUT/zero" | tail -5

echo "== 3. GRPO benchmark on $MODEL"
timeout 150 python - "$MODEL" <<'EOF'
import statistics, sys, time
import torch
from r1repro.model import load_model
from r1repro.trainer import GRPOConfig, GRPOTrainer
model, tok = load_model(sys.argv[1])
cfg = GRPOConfig(prompts_per_step=8, group_size=8, max_new_tokens=128, lr=1e-5, warmup_steps=1, problems_per_task=200)
trainer = GRPOTrainer(model, tok, cfg)
steps = []
for i in range(7):
    torch.cuda.synchronize(); t0 = time.perf_counter()
    rec = trainer.step()
    torch.cuda.synchronize(); seconds = time.perf_counter() - t0
    if i >= 2: steps.append((seconds, rec.metrics['completion_tokens'], rec.seconds['sample'], rec.seconds['update']))
s = statistics.median(x[0] for x in steps)
tokens = sum(x[1] for x in steps) / sum(x[0] for x in steps)
print(f"device {trainer.accelerator.device} ({torch.cuda.get_device_name(0)}), mixed precision {trainer.accelerator.mixed_precision}, "
      f"{sum(p.numel() for p in model.parameters()) / 1e6:.1f}M parameters")
print(f"GRPO B=8 G=8 new_tokens<=128: {s:.3f} s/step (median of 5), {tokens:.0f} completion tokens/s, "
      f"sampling {statistics.median(x[2] for x in steps):.3f} s + update {statistics.median(x[3] for x in steps):.3f} s; "
      f"peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
EOF

if python -c "import trl" 2>/dev/null; then
  echo "== 4. equal-work bench vs TRL, and the sampler vs model.generate, on the GPU"
  timeout 240 python bench/grpo_vs_trl.py --model "$MODEL" --steps 8
  timeout 60 python bench/rollouts.py --model "$MODEL"
else
  echo "== 4. skipped: TRL is not installed (pip install -e \".[bench]\")"
fi
rm -rf "$OUT"
