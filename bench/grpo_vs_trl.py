"""Our GRPOTrainer vs TRL's GRPOTrainer on equal work, interleaved in one run; and our update's FLOP/s against this
machine's matmul peak.

    pip install -e ".[bench]"      # TRL is only a bench dependency
    python bench/grpo_vs_trl.py [--model tiny-base] [--steps 12] [--prompts 8] [--group 8] [--new-tokens 128]

Equal work: both trainers start from two copies of the same model with a learning rate of 1e-9 (Adam moves each
weight by about the learning rate per step, so twelve steps leave the sampling distribution as it was), the same
prompts pool, B prompts x G completions, temperature 1 with no top-k/top-p, the same reward functions, beta 0, loss
type 'grpo', and both stop a completion at the end-of-text token or `</answer>` (TRL through the generation config's
list of end tokens; TRL's loss masks only after the tokenizer's end token, so it counts the padding after a `</answer>`
as completion, which changes its loss but not its cost: it pads every row to the longest either way, and the bench
counts a completion's tokens up to its first stop token on both sides). So both sample from one distribution during the timed steps, and the bench prints what each did:
completion tokens per step, accuracy, seconds per step and seconds per 1,000 completion tokens. The ratio is taken per
1,000 completion tokens, so a side that happened to write shorter completions gains nothing from it. TRL runs with
gradient checkpointing off (its default is on, which is slower on a CPU). The steps are interleaved: after each TRL
step a callback runs one of ours, so machine noise hits both alike. The first two steps of each are warm-up.

Also printed for our side: the share of the update's positions spent on padding (with and without length buckets,
for the same batches), and the update's achieved FLOP/s, 6 x parameters x tokens (each group's prompt counted once, as
our update runs it, and padding not counted), against `torch.mm` on 1024 x 1024 float32 matrices on the same threads.
"""
import argparse, statistics, time, warnings


def mm_peak(seconds: float = 1.0) -> float:
    "FLOP/s of float32 `torch.mm` on 1024 x 1024 matrices on this process's threads (the best of several runs)."
    import torch
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    best, t_end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < t_end:
        t0 = time.perf_counter()
        for _ in range(4): torch.mm(a, b)
        best = max(best, 4 * 2 * 1024 ** 3 / (time.perf_counter() - t0))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='tiny-base')
    ap.add_argument('--steps', type=int, default=12)
    ap.add_argument('--prompts', type=int, default=8)
    ap.add_argument('--group', type=int, default=8)
    ap.add_argument('--new-tokens', type=int, default=128)
    ap.add_argument('--lr', type=float, default=1e-9, help='tiny, so the sampling distribution stays put (equal work)')
    args = ap.parse_args()
    warnings.filterwarnings('ignore')
    import torch
    from datasets import Dataset
    from transformers import TrainerCallback
    import trl
    from r1repro.model import count_parameters, load_model
    from r1repro.rewards import accuracy_reward, format_reward
    from r1repro.tasks import format_prompt, train_problems
    from r1repro.trainer import GRPOConfig, GRPOTrainer, update_padding

    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    def sync():
        if device == 'cuda': torch.cuda.synchronize()
    ours = GRPOTrainer(*load_model(args.model, device=device), GRPOConfig(
        prompts_per_step=args.prompts, group_size=args.group, max_new_tokens=args.new_tokens, lr=args.lr, warmup_steps=1,
        beta=0.0, loss_type='grpo', temperature=1.0, top_p=1.0, top_k=0))
    theirs_model, tok = load_model(args.model, device=device)
    params = count_parameters(theirs_model)
    rows = [{**p.to_row(), 'prompt': format_prompt(p)} for p in train_problems('arithmetic', 2000)]
    rows = [{k: r[k] for k in ('prompt', 'answer', 'task')} for r in rows]
    stop_ids = [tok.eos_token_id, tok.convert_tokens_to_ids('</answer>')]
    cfg = trl.GRPOConfig(output_dir='/tmp/grpo_vs_trl', per_device_train_batch_size=args.prompts * args.group,
                         num_generations=args.group, max_completion_length=args.new_tokens, learning_rate=args.lr,
                         lr_scheduler_type='constant', beta=0.0, loss_type='grpo', temperature=1.0, top_p=1.0, top_k=0,
                         generation_kwargs={'eos_token_id': stop_ids}, max_steps=args.steps,
                         gradient_checkpointing=False, use_cpu=device == 'cpu', report_to='none', logging_steps=1000,
                         save_strategy='no', bf16=device == 'cuda', disable_tqdm=True)
    log = {k: [] for k in ('trl', 'trl_tokens', 'trl_correct', 'ours', 'ours_tokens', 'ours_correct', 'ours_sample',
                           'ours_update', 'ours_update_tokens', 'pad_buckets', 'pad_one_pass')}
    trl_step = {}

    def trl_accuracy(completions, completion_ids=None, **kw):  # TRL's view of its own batch, recorded on the way
        scores = accuracy_reward(completions, **kw)
        # TRL masks a completion after the tokenizer's end token only, so one that stopped at `</answer>` reaches it
        # padded; its real length runs to the first stop token (padding costs TRL the same either way: it pads to the longest)
        trl_step['tokens'] = sum(next((i + 1 for i, t in enumerate(ids) if t in stop_ids), len(ids)) for ids in completion_ids)
        trl_step['correct'] = sum(s > 0 for s in scores) / len(scores)
        return scores
    trl_accuracy.__name__ = 'accuracy'

    class Interleave(TrainerCallback):
        def on_step_begin(self, *a, **k): sync(); self.t0 = time.perf_counter()
        def on_step_end(self, *a, **k):
            sync(); log['trl'].append(time.perf_counter() - self.t0)
            log['trl_tokens'].append(trl_step['tokens']); log['trl_correct'].append(trl_step['correct'])
            sync(); t0 = time.perf_counter()
            rec = ours.step()
            sync(); log['ours'].append(time.perf_counter() - t0)
            b, m = rec.batch, rec.metrics
            log['ours_tokens'].append(m['completion_tokens']); log['ours_correct'].append(m['pass_rate'])
            log['ours_sample'].append(rec.seconds['sample']); log['ours_update'].append(rec.seconds['update'])
            # tokens the update ran (each prompt once, no padding), only for groups with signal (the others are skipped)
            live = [g for g in range(len(rec.problems)) if not rec.no_signal[g]]
            rows = b.group_rows(live) if live else b.group_rows([0])
            log['ours_update_tokens'].append(float(b.prompt_mask[torch.unique(rows // b.group_size)].sum()
                                                   + b.completion_mask[rows].sum()))
            log['pad_buckets'].append(m['update_padding'])
            padded, positions = update_padding(b, [rows])
            log['pad_one_pass'].append(padded / positions)

    trainer = trl.GRPOTrainer(model=theirs_model, processing_class=tok, reward_funcs=[trl_accuracy, format_reward],
                              args=cfg, train_dataset=Dataset.from_list(rows), callbacks=[Interleave()])
    trainer.train()
    peak = mm_peak()
    timed = slice(2, None)  # the first two steps of each are warm-up
    n = len(log['trl'][timed])
    def per_1k(side): return 1000 * sum(log[side][timed]) / sum(log[f'{side}_tokens'][timed])
    print(f'B x G = {args.prompts} x {args.group}, {args.new_tokens} new tokens max, lr {args.lr:g}, model {args.model} '
          f'({params:,} parameters), {torch.get_num_threads()} threads on {device}, {n} interleaved steps after 2 '
          f'warm-up (trl {trl.__version__}, torch {torch.__version__})')
    for side, name in (('trl', 'TRL GRPOTrainer'), ('ours', 'r1repro')):
        print(f'  {name:16s} {statistics.mean(log[f"{side}_tokens"][timed]):7.0f} completion tokens/step  '
              f'accuracy {100 * statistics.mean(log[f"{side}_correct"][timed]):5.1f}%  '
              f'{statistics.median(log[side][timed]):.3f} s/step (median)  {per_1k(side):.3f} s per 1k completion tokens')
    print(f'  ratio            r1repro takes {per_1k("ours") / per_1k("trl"):.2f}x TRL\'s time per 1k completion tokens '
          f'({statistics.median(log["ours"][timed]) / statistics.median(log["trl"][timed]):.2f}x per step)')
    sample, update = statistics.median(log['ours_sample'][timed]), statistics.median(log['ours_update'][timed])
    print(f'  r1repro step     rollouts {sample:.3f} s, update {update:.3f} s (medians)')
    print(f'  update padding   {100 * statistics.mean(log["pad_buckets"][timed]):.1f}% of the positions it computes '
          f'with length buckets; {100 * statistics.mean(log["pad_one_pass"][timed]):.1f}% for the same batches in one pass')
    flops = 6 * params * sum(log['ours_update_tokens'][timed]) / sum(log['ours_update'][timed])
    print(f'  update FLOP/s    {flops / 1e9:.2f} GFLOP/s achieved (6 x params x tokens) vs {peak / 1e9:.1f} GFLOP/s '
          f'torch.mm 1024^2 float32 peak on the same threads = {100 * flops / peak:.1f}% of peak')


if __name__ == '__main__':
    main()
