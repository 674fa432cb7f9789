"""Our KV-cached group sampler vs `model.generate` on the same batch, measured side by side in one run.

    python bench/rollouts.py [--model tiny-base] [--prompts 8] [--group 8] [--new-tokens 64] [--repeats 5]

1. Fixed length (the comparison the ratio is quoted for): both sample 64 sequences x 64 new tokens (8 prompts x 8
   completions by default) with the same settings (temperature 1, no top-k/top-p truncation); neither stops early (the
   stop tokens are masked out of the logits at the output layer), so both produce exactly the same number of tokens.
2. The evaluation protocol's batch (16 prompts x 16 samples, T 0.6, top-p 0.95, up to 256 new tokens), where rows stop
   at `</answer>` or the end token: our sampler drops a finished row, `generate` keeps it (padded) until the last row
   finishes. The two draw different samples, so this is tokens per second of real completion tokens.
The runs are interleaved and the median of each is reported. Last, the whole evaluation protocol (256 held-out
problems x 16 samples) is timed once with our sampler.
"""
import argparse, statistics, time
import torch
from r1repro.model import load_model
from r1repro.rollouts import evaluate_checkpoint, sample_completions
from r1repro.tasks import format_prompt, load_eval_set


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--model', default='tiny-base')
    ap.add_argument('--prompts', type=int, default=8)
    ap.add_argument('--group', type=int, default=8)
    ap.add_argument('--new-tokens', type=int, default=64)
    ap.add_argument('--repeats', type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    model, tok = load_model(args.model)
    model.eval()
    # Never stop early, in either sampler: every row produces exactly --new-tokens tokens.
    banned = [tok.eos_token_id, tok.convert_tokens_to_ids('</answer>')]
    def ban_stops(module, args, out):  # on the output layer, which every decoding path calls; in place
        out.index_fill_(-1, torch.tensor(banned, device=out.device), float('-inf'))
    hook = model.lm_head.register_forward_hook(ban_stops)
    prompts = [format_prompt(p) for p in load_eval_set('arithmetic')[:args.prompts]]
    n_tokens = args.prompts * args.group * args.new_tokens

    def ours():
        b = sample_completions(model, tok, prompts, args.group, args.new_tokens, temperature=1.0, top_p=1.0, top_k=0, seed=0)
        assert int(b.lengths.sum()) == n_tokens

    def hf_generate():
        enc = tok(prompts, return_tensors='pt', padding=True).to(model.device)
        with torch.no_grad():
            out = model.generate(**enc, do_sample=True, temperature=1.0, top_k=0, top_p=1.0, num_return_sequences=args.group,
                                 max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens, pad_token_id=tok.pad_token_id)
        assert out.shape[1] - enc['input_ids'].shape[1] == args.new_tokens

    def sync():  # a GPU runs asynchronously: wait for it before reading the clock
        if model.device.type == 'cuda': torch.cuda.synchronize()

    def real_ours():
        b = sample_completions(model, tok, eval_prompts, 16, 256, temperature=0.6, top_p=0.95, top_k=0, seed=0)
        return int(b.lengths.sum())

    def real_generate():
        enc = tok(eval_prompts, return_tensors='pt', padding=True).to(model.device)
        with torch.no_grad():
            out = model.generate(**enc, do_sample=True, temperature=0.6, top_k=0, top_p=0.95, num_return_sequences=16,
                                 max_new_tokens=256, eos_token_id=banned, pad_token_id=tok.pad_token_id)
        new = out[:, enc['input_ids'].shape[1]:].tolist()  # completion tokens up to the first stop token
        return sum(next((i + 1 for i, t in enumerate(row) if t in banned), len(row)) for row in new)

    eval_prompts = [format_prompt(p) for p in load_eval_set('arithmetic')[::16]]
    times = {k: [] for k in ('ours', 'generate', 'real_ours', 'real_generate')}
    tokens = {'real_ours': [], 'real_generate': []}
    ours(); hf_generate()  # warm-up
    for _ in range(args.repeats):  # interleaved, so machine noise hits both alike
        for name, fn in (('ours', ours), ('generate', hf_generate)):
            sync(); t0 = time.perf_counter(); fn(); sync(); times[name].append(time.perf_counter() - t0)
    hook.remove()
    for _ in range(args.repeats):
        for name, fn in (('real_ours', real_ours), ('real_generate', real_generate)):
            sync(); t0 = time.perf_counter(); n = fn(); sync(); times[name].append(time.perf_counter() - t0)
            tokens[name].append(n)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f'1. {args.prompts} prompts x {args.group} completions x {args.new_tokens} new tokens = {n_tokens} tokens, '
          f'{torch.get_num_threads()} threads, {model.device}, median of {args.repeats}')
    for k in ('ours', 'generate'): print(f'  {k:9s} {med[k]:.3f} s   {n_tokens / med[k]:8.0f} tokens/s')
    print(f'  ratio     ours is {med["generate"] / med["ours"]:.2f}x the speed of model.generate')
    rate = {k: sum(tokens[k]) / sum(times[k]) for k in tokens}
    print(f'2. evaluation batch: 16 prompts x 16 samples, T 0.6, top-p 0.95, <= 256 new tokens, stopping at </answer>')
    for k in tokens:
        print(f'  {k[5:]:9s} {med[k]:.3f} s   {statistics.mean(tokens[k]):6.0f} completion tokens  {rate[k]:8.0f} tokens/s')
    print(f'  ratio     ours is {rate["real_ours"] / rate["real_generate"]:.2f}x the speed of model.generate per token')
    t0 = time.perf_counter()
    evaluate_checkpoint(model, tok, progress=False)
    sync()
    print(f'3. the evaluation protocol (256 held-out problems x 16 samples, T 0.6, top-p 0.95): '
          f'{time.perf_counter() - t0:.1f} s with our sampler, {torch.get_num_threads()} threads')


if __name__ == '__main__':
    main()
