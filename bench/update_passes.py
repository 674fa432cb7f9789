"""How the update's cost depends on `PASS_COST`, the price `plan_passes` puts on running one more pass.

    python bench/update_passes.py [--model tiny-base] [--batches 6]

Two batch shapes (this bench's 8 x 8 x 128 and the R1-Zero recipe's 16 x 8 x 160) are sampled once from the model;
then the same batches go through `optimize` with length buckets at several values of `PASS_COST` and in one pass
(no buckets). Prints, for each, the median seconds of an update, the padding share and the number of passes. The
learning rate is tiny, so every update sees the same model.
"""
import argparse, statistics, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='tiny-base')
    ap.add_argument('--batches', type=int, default=6)
    args = ap.parse_args()
    import torch
    import r1repro.trainer as trainer_module
    from r1repro.model import load_model
    from r1repro.trainer import GRPOConfig, GRPOTrainer
    from r1repro.zero import zero_grpo_config

    shapes = {'8 x 8 x 128': GRPOConfig(prompts_per_step=8, group_size=8, max_new_tokens=128, lr=1e-9, warmup_steps=1),
              'R1-Zero 16 x 8 x 160': zero_grpo_config(lr=1e-9, eval_every=0)}
    print(f'{args.model}, {torch.get_num_threads()} threads, median of {args.batches} batches per setting')
    for name, cfg in shapes.items():
        trainer = GRPOTrainer(*load_model(args.model), cfg)
        records = []
        for _ in range(args.batches):
            records.append(trainer.rollout()); trainer.step_count += 1  # new problems each time, the same model
        default = trainer_module.PASS_COST
        for cost in (0, 64, 128, 256, 512, 1024, None):  # None: one pass, no buckets
            trainer.config.length_buckets = cost is not None
            trainer_module.PASS_COST = default if cost is None else cost
            seconds, padding, passes = [], [], []
            for rec in records:
                t0 = time.perf_counter()
                stats = trainer.optimize(rec.batch, rec.advantages)[1]
                seconds.append(time.perf_counter() - t0)
                padding.append(stats['update_padding']); passes.append(stats['update_passes'])
            label = 'one pass' if cost is None else f'PASS_COST {cost}' + (' (default)' if cost == default else '')
            print(f'  {name:22s} {label:24s} update {statistics.median(seconds):.3f} s  padding '
                  f'{100 * statistics.mean(padding):4.1f}%  passes {statistics.mean(passes):.1f}')
        trainer_module.PASS_COST = default


if __name__ == '__main__':
    main()
