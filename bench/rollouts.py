"""Our KV-cached group sampler vs `model.generate` on the same batch, measured side by side in one run.

    python bench/rollouts.py [--model tiny-base] [--prompts 8] [--group 8] [--new-tokens 64] [--repeats 5]

Both sample 64 sequences x 64 new tokens (8 prompts x 8 completions by default) with the same settings
(temperature 1, no top-k/top-p truncation); neither stops early (the stop token is masked out of the logits), so both
produce exactly the same number of tokens. The runs are interleaved and the median of each is reported.
"""
import argparse, statistics, time
import torch
from r1repro.model import load_model
from r1repro.rollouts import sample_completions
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
    def ban_stops(module, args, out):  # in place, returning None: the output object stays as it is
        out.logits.index_fill_(-1, torch.tensor(banned), float('-inf'))
    hook = model.register_forward_hook(ban_stops)
    prompts = [format_prompt(p) for p in load_eval_set('arithmetic')[:args.prompts]]
    n_tokens = args.prompts * args.group * args.new_tokens

    def ours():
        b = sample_completions(model, tok, prompts, args.group, args.new_tokens, temperature=1.0, top_p=1.0, top_k=0, seed=0)
        assert int(b.lengths.sum()) == n_tokens

    def hf_generate():
        enc = tok(prompts, return_tensors='pt', padding=True)
        with torch.no_grad():
            out = model.generate(**enc, do_sample=True, temperature=1.0, top_k=0, top_p=1.0, num_return_sequences=args.group,
                                 max_new_tokens=args.new_tokens, min_new_tokens=args.new_tokens, pad_token_id=tok.pad_token_id)
        assert out.shape[1] - enc['input_ids'].shape[1] == args.new_tokens

    times = {'ours': [], 'generate': []}
    ours(); hf_generate()  # warm-up
    for _ in range(args.repeats):  # interleaved, so machine noise hits both alike
        for name, fn in (('ours', ours), ('generate', hf_generate)):
            t0 = time.perf_counter(); fn(); times[name].append(time.perf_counter() - t0)
    hook.remove()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f'{args.prompts} prompts x {args.group} completions x {args.new_tokens} new tokens = {n_tokens} tokens, '
          f'{torch.get_num_threads()} threads, median of {args.repeats}')
    for k in med: print(f'  {k:9s} {med[k]:.3f} s   {n_tokens / med[k]:8.0f} tokens/s')
    print(f'  ratio     ours is {med["generate"] / med["ours"]:.2f}x the speed of model.generate')


if __name__ == '__main__':
    main()
