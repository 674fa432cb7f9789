"Fuzzing: rewards never raise on any text and stay within their range; loaders name the bad line."
import json, random, re, string
import pytest
from r1repro.evaluate import normalize_vote
from r1repro.rewards import REWARDS, accuracy_reward, make_rewards, extract_answer
from r1repro.runfiles import read_jsonl
from r1repro.tasks import load_eval_set, problem_columns, countdown_check, parse_expression, ExpressionError

PIECES = ['<think>', '</think>', '<answer>', '</answer>', '<answer', 'answer>', '73', '46', '3*7+25', '=', '(', ')',
          '/0', '１', '٣', 'wait', 'сложим', '\n', ' ', '\x00', '🙂', '1e999', '9' * 50, '((((((((((', '+-*/']


def random_text(rng):
    return ''.join(rng.choice(PIECES + list(string.printable)) for _ in range(rng.randint(0, 40)))


@pytest.mark.parametrize('seed', range(5))
def test_rewards_never_raise_and_stay_in_range(seed):
    rng = random.Random(seed)
    problems = [p for t in ('arithmetic', 'countdown', 'facts') for p in load_eval_set(t)[:20]]
    texts = [random_text(rng) for _ in problems]
    cols = dict(answer=[p.answer for p in problems], task=[p.task for p in problems],
                numbers=[p.metadata.get('numbers') for p in problems], target=[p.metadata.get('target') for p in problems])
    for name, fn in REWARDS.items():  # every built-in reward
        values = fn(texts, **cols)
        assert len(values) == len(texts) and all(0.0 <= v <= 1.0 for v in values), name
    total = make_rewards({'accuracy': 1.0, 'format': 0.5})(texts, **cols)
    assert all(0.0 <= v <= 1.5 for v in total)


def test_random_text_almost_never_scores_accuracy():
    rng = random.Random(0)
    texts = [random_text(rng) for _ in range(2000)]
    scores = accuracy_reward(texts, answer=['73'] * 2000, task=['arithmetic'] * 2000)
    # an arithmetic answer scores only as the one integer 73 (sign and leading zeros allowed), bare or in \boxed{} and/or $...$
    one_integer = re.compile(r'\s*(\$)?\s*(\\boxed\{)?\s*\+?0*73\s*(?(2)\})\s*(?(1)\$)\s*')
    for t, s in zip(texts, scores):
        if s: assert one_integer.fullmatch(extract_answer(t)), repr(extract_answer(t))


def non_answers(expr: str, a: int) -> list[str]:
    "Answers that name the right number without being it: the hack table's non-answers, for one problem."
    return [expr, f'\\boxed{{{expr}}}', f'${expr}$', f'{expr} = {a}', f'{expr}={a}', f'{2 * a}/2', f'{a - 1}+1', f'{a + 1}-1',
            f'{a}*1', f'{a - 1} or {a}', f'{a} or {a + 1}', f'{a - 1} {a}', f'{a - 1}, {a}', f'{a}%', f'{a}.0', f'x = {a}',
            f'= {a}', f'{a} apples', f'The answer is {a}', f'\\boxed{{{a - 1}}} {a}', f'$${a}$$', f'\\boxed{{{a}}}.']


def accepted_answers(a: int) -> list[str]:
    "The ways of writing an arithmetic answer that the rule accepts."
    return [str(a), f'+{a}', f'0{a}', f' {a} ', f'\\boxed{{{a}}}', f'${a}$', f'$\\boxed{{{a}}}$', f'\\boxed{{ {a} }}']


def test_arithmetic_non_answers_never_score_nor_vote_for_the_answer():
    "Every held-out arithmetic problem: its question restated, expressions to compute, several guesses, a percentage... score 0."
    for p in load_eval_set('arithmetic'):
        a = int(p.answer)
        bad, good = non_answers(p.metadata['expression'], a), accepted_answers(a)
        texts = [f'<think>x</think> <answer>{x}</answer>' for x in bad + good]
        cols = problem_columns([p], repeat=len(texts))
        assert accuracy_reward(texts, **cols) == [0.0] * len(bad) + [1.0] * len(good), p.prompt
        assert [normalize_vote(x, p) == p.answer for x in bad + good] == [False] * len(bad) + [True] * len(good), p.prompt


def test_countdown_votes_follow_the_checker():
    "A Countdown answer votes for the target exactly when the checker accepts it (`= wrong value` and the bare target do not)."
    for p in load_eval_set('countdown'):
        target = p.metadata['target']
        preds = [p.answer, f'{p.answer} = {target}', f'{p.answer} = {target + 1}', str(target), f'{p.answer}+0', f'({p.answer})']
        scores = accuracy_reward([f'<think>x</think> <answer>{x}</answer>' for x in preds], **problem_columns([p], len(preds)))
        assert [normalize_vote(x, p) == str(target) for x in preds] == [s == 1.0 for s in scores], p.prompt


def test_countdown_parser_fuzz():
    rng = random.Random(1)
    for _ in range(3000):
        expr = ''.join(rng.choice('0123456789+-*/() ') for _ in range(rng.randint(0, 25)))
        try: parse_expression(expr)
        except ExpressionError: pass  # refused cleanly: fine; anything else fails the test
        assert countdown_check(expr, [3, 7, 25], 46) in (True, False)


def test_malformed_jsonl_names_file_and_line(tmp_path):
    rng = random.Random(2)
    for i in range(50):
        lines = [json.dumps({'prompt': 'x', 'answer': '1'}) for _ in range(rng.randint(1, 5))]
        bad_at = rng.randrange(len(lines))
        lines[bad_at] = rng.choice(['{"a": ', '[1, 2]', '"text"', 'nul', '{"a": 1}}'])
        path = tmp_path / f'f{i}.jsonl'
        path.write_text('\n'.join(lines) + '\n')
        with pytest.raises(ValueError, match=rf'f{i}\.jsonl, line {bad_at + 1}:'):
            read_jsonl(path)


def test_reward_call_errors():
    with pytest.raises(ValueError, match="column 'answer' has 2 items but there are 1"):
        accuracy_reward(['x'], answer=['1', '2'])
    with pytest.raises(TypeError, match='must be a str'):
        REWARDS["format"]([None])


def test_sft_loader_fuzz_names_file_and_line(tmp_path):
    "Random bad lines in an SFT set: a ValueError naming the file and line, or (--skip-bad) an exact count."
    from r1repro.model import build_tokenizer
    from r1repro.sft import load_sft_jsonl
    tok = build_tokenizer()
    good = {'prompt': 'User: What is 2+2?\nAssistant:', 'completion': ' <think> 2+2=4 </think> <answer>4</answer>'}
    bad = ['{"prompt": ', '[1, 2]', '"text"', 'null', json.dumps({'prompt': 'x'}), json.dumps({**good, 'completion': '  '}),
           json.dumps({**good, 'completion': '4'}), json.dumps({**good, 'prompt': 7}), json.dumps({**good, 'prompt': 'x' * 600}),
           json.dumps({**good, 'completion': '<think>a</think><answer>1</answer><answer>2</answer>'})]
    rng = random.Random(3)
    for i in range(60):
        lines = [json.dumps(good) for _ in range(rng.randint(1, 6))]
        n_bad = rng.randint(1, len(lines))
        at = sorted(rng.sample(range(len(lines)), n_bad))
        for j in at: lines[j] = rng.choice(bad)
        path = tmp_path / f's{i}.jsonl'
        path.write_text('\n'.join(lines) + '\n')
        with pytest.raises(ValueError, match=rf's{i}\.jsonl, line {at[0] + 1}:'):
            load_sft_jsonl(path, tok, 512)
        if n_bad < len(lines):
            examples, skipped = load_sft_jsonl(path, tok, 512, skip_bad=True)
            assert (len(examples), skipped) == (len(lines) - n_bad, n_bad)
        else:
            with pytest.raises(ValueError, match='no usable example'):
                load_sft_jsonl(path, tok, 512, skip_bad=True)
