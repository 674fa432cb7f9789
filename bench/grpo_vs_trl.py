"""Our GRPOTrainer vs TRL's GRPOTrainer: seconds per step on the same model and settings, interleaved in one run.

    pip install -e ".[bench]"      # TRL is only a bench dependency
    python bench/grpo_vs_trl.py [--model tiny-base] [--steps 12] [--prompts 8] [--group 8] [--new-tokens 64]

Same base model (two copies), B prompts x G completions, max new tokens, learning rate, beta=0, loss type 'grpo',
temperature 1 with no top-k/top-p, the same reward functions (ours, which have TRL's signature). TRL runs with
gradient checkpointing off (its default is on, which is slower on CPU). The steps are interleaved: after each TRL step a
callback runs one of ours, so machine noise hits both alike. Prints the median s/step of each, the ratio, and how our
step splits between rollouts and the update. The first two steps of each are warm-up and not counted.
"""
import argparse, statistics, time, warnings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='tiny-base')
    ap.add_argument('--steps', type=int, default=12)
    ap.add_argument('--prompts', type=int, default=8)
    ap.add_argument('--group', type=int, default=8)
    ap.add_argument('--new-tokens', type=int, default=64)
    ap.add_argument('--lr', type=float, default=1e-4)
    args = ap.parse_args()
    warnings.filterwarnings('ignore')
    import torch
    from datasets import Dataset
    from transformers import TrainerCallback
    import trl
    from r1repro.model import load_model
    from r1repro.rewards import accuracy_reward, format_reward
    from r1repro.tasks import format_prompt, train_problems
    from r1repro.trainer import GRPOConfig, GRPOTrainer

    ours = GRPOTrainer(*load_model(args.model, device='cpu'), GRPOConfig(
        prompts_per_step=args.prompts, group_size=args.group, max_new_tokens=args.new_tokens, lr=args.lr, warmup_steps=1,
        beta=0.0, loss_type='grpo', temperature=1.0, top_p=1.0, top_k=0))
    theirs_model, tok = load_model(args.model, device='cpu')
    rows = [{**p.to_row(), 'prompt': format_prompt(p)} for p in train_problems('arithmetic', 2000)]
    rows = [{k: r[k] for k in ('prompt', 'answer', 'task')} for r in rows]
    cfg = trl.GRPOConfig(output_dir='/tmp/grpo_vs_trl', per_device_train_batch_size=args.prompts * args.group,
                         num_generations=args.group, max_completion_length=args.new_tokens, learning_rate=args.lr,
                         lr_scheduler_type='constant', beta=0.0, loss_type='grpo', temperature=1.0, top_p=1.0, top_k=0,
                         max_steps=args.steps, gradient_checkpointing=False, use_cpu=True, report_to='none',
                         logging_steps=1000, save_strategy='no', bf16=False, disable_tqdm=True)
    times = {'trl': [], 'ours': [], 'ours_sample': [], 'ours_update': []}

    class Interleave(TrainerCallback):
        def on_step_begin(self, *a, **k): self.t0 = time.perf_counter()
        def on_step_end(self, *a, **k):
            times['trl'].append(time.perf_counter() - self.t0)
            t0 = time.perf_counter()
            rec = ours.step()
            times['ours'].append(time.perf_counter() - t0)
            times['ours_sample'].append(rec.seconds['sample'])
            times['ours_update'].append(rec.seconds['update'])

    trainer = trl.GRPOTrainer(model=theirs_model, processing_class=tok, reward_funcs=[accuracy_reward, format_reward],
                              args=cfg, train_dataset=Dataset.from_list(rows), callbacks=[Interleave()])
    trainer.train()
    med = {k: statistics.median(v[2:]) for k, v in times.items()}
    print(f'B x G = {args.prompts} x {args.group}, {args.new_tokens} new tokens max, {torch.get_num_threads()} threads, '
          f'median of {len(times["trl"]) - 2} interleaved steps (trl {trl.__version__})')
    print(f'  TRL GRPOTrainer   {med["trl"]:.3f} s/step')
    print(f'  r1repro           {med["ours"]:.3f} s/step   (rollouts {med["ours_sample"]:.3f} s = '
          f'{100 * med["ours_sample"] / med["ours"]:.0f}%, update {med["ours_update"]:.3f} s = '
          f'{100 * med["ours_update"] / med["ours"]:.0f}%)')
    print(f'  ratio             r1repro step time = {med["ours"] / med["trl"]:.2f} x TRL\'s')


if __name__ == '__main__':
    main()
