"""A real Hugging Face checkpoint, built locally: a tiny random Qwen2 with a trained BPE tokenizer and a chat template.

Nothing downloads. `load_model` must take the directory as it is, prompts must go through its chat template, rewards
must read its decoded text, and a GRPO step and an SFT step must run on it.
"""
import json, shutil

import pytest
import torch

CHATML = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def corpus_lines(n_per_task: int = 150) -> list[str]:
    "A few hundred lines of our tasks, written the way a trained model answers them."
    from r1repro.tasks import R1_SYSTEM_PROMPT, TASKS, train_problems
    lines = [R1_SYSTEM_PROMPT]
    for task in TASKS:
        for p in train_problems(task, n_per_task, seed=1):
            lines.append(f'{p.prompt}\n<think> let me work it out </think> <answer>{p.answer}</answer>')
    return lines


def build_tiny_qwen2(path):
    "Train a byte-level BPE tokenizer on our corpus, add the tags as plain tokens and a ChatML template, save a random Qwen2."
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM
    from r1repro.model import TAG_TOKENS
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    core.train_from_iterator(corpus_lines(), trainers.BpeTrainer(
        vocab_size=700, special_tokens=['<|endoftext|>', '<|im_start|>', '<|im_end|>'],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok = PreTrainedTokenizerFast(tokenizer_object=core, eos_token='<|im_end|>', pad_token='<|endoftext|>',
                                  clean_up_tokenization_spaces=False, model_max_length=512)
    tok.add_tokens(TAG_TOKENS, special_tokens=False)  # single tokens that decoding keeps, as in ours
    tok.chat_template = CHATML
    torch.manual_seed(0)
    cfg = Qwen2Config(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                      num_key_value_heads=1, max_position_embeddings=512, tie_word_embeddings=True,
                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id, bos_token_id=None)
    Qwen2ForCausalLM(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope='module')
def qwen_dir(tmp_path_factory):
    return build_tiny_qwen2(tmp_path_factory.mktemp('hf') / 'tiny-qwen2')


def digits(completions, **kw):  # a reward with signal even for a random model
    return [sum(c.isdigit() for c in t) / max(1, len(t)) for t in completions]


def test_load_model_takes_the_directory_with_its_tokenizer_and_template(qwen_dir):
    from r1repro.model import TAG_TOKENS, build_tokenizer, load_model
    from r1repro.tasks import format_prompt
    model, tok = load_model(qwen_dir)
    assert model.config.model_type == 'qwen2' and type(model).__name__ == 'Qwen2ForCausalLM'
    assert len(tok) != len(build_tokenizer()) and tok.chat_template
    text = ' <think> 12+30=42 </think> <answer>42</answer>'
    ids = tok(text, add_special_tokens=False)['input_ids']
    assert tok.decode(ids, skip_special_tokens=True) == text and len(ids) < len(text)  # BPE merges, exact round trip
    for tag in TAG_TOKENS: assert len(tok(tag, add_special_tokens=False)['input_ids']) == 1
    prompt = format_prompt('What is 12+30?', 'r1-zero', tok)
    assert prompt.startswith('<|im_start|>system\nA conversation between User and Assistant.')
    assert prompt.endswith('<|im_start|>user\nWhat is 12+30?<|im_end|>\n<|im_start|>assistant\n')
    assert format_prompt('What is 12+30?', 'compact') == 'User: What is 12+30?\nAssistant:'  # no tokenizer: unchanged


def test_rewards_read_text_decoded_by_the_real_tokenizer(qwen_dir):
    from r1repro.model import load_model
    from r1repro.rewards import accuracy_reward, format_reward
    _, tok = load_model(qwen_dir)
    text = tok.decode(tok(' <think> 12+30=42 </think> <answer>42</answer>')['input_ids'] + [tok.eos_token_id],
                      skip_special_tokens=True)
    assert accuracy_reward([text], answer=['42'], task=['arithmetic']) == [1.0]
    assert format_reward([text]) == [1.0]


def test_grpo_steps_on_the_checkpoint(qwen_dir, tmp_path):
    from r1repro.model import load_model
    from r1repro.trainer import GRPOConfig, GRPOTrainer
    model, tok = load_model(qwen_dir)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    cfg = GRPOConfig(template='r1-zero', prompts_per_step=2, group_size=4, max_new_tokens=16, lr=1e-3, warmup_steps=1,
                     problems_per_task=20, rewards={'accuracy': 1.0, 'format': 0.5}, save_every=2, sample_every=1)
    from r1repro.rewards import REWARDS, RewardSet
    funcs = RewardSet({'accuracy': REWARDS['accuracy'], 'digits': digits})
    trainer = GRPOTrainer(model, tok, cfg, run_dir=tmp_path / 'run', rewards=funcs)
    history = trainer.train(2, progress=False)
    assert all(torch.isfinite(torch.tensor([m['loss'], m['grad_norm']])).all() for m in history)
    assert any(not torch.equal(before[n], p) for n, p in model.named_parameters()), 'the policy did not move'
    sample = json.loads((tmp_path / 'run' / 'samples.jsonl').read_text().splitlines()[0])
    assert sample['prompt'] and isinstance(sample['completion'], str)
    reloaded, tok2 = load_model(tmp_path / 'run' / 'checkpoint')  # the checkpoint keeps the architecture and template
    assert type(reloaded).__name__ == 'Qwen2ForCausalLM' and tok2.chat_template == tok.chat_template


def test_sft_step_on_the_checkpoint(qwen_dir, tmp_path):
    sft_module = pytest.importorskip('r1repro.sft')
    from r1repro.model import load_model
    from r1repro.tasks import format_prompt, train_problems
    model, tok = load_model(qwen_dir)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    examples = [{'prompt': format_prompt(p, 'r1-zero', tok), 'completion': f' <think> {p.answer} </think> <answer>{p.answer}</answer>'}
                for p in train_problems('arithmetic', 8, seed=2)]
    trainer = sft_module.sft(model, tok, examples, sft_module.SFTConfig(epochs=1, batch_size=4, lr=1e-3, warmup_steps=1),
                             tmp_path / 'sft', progress=False)
    assert len(trainer.history) == 2 and all(0 < m['loss'] < 20 for m in trainer.history)
    assert any(not torch.equal(before[n], p.to(before[n].device)) for n, p in trainer.unwrapped.named_parameters())


def test_an_unsupported_architecture_is_named(qwen_dir, tmp_path):
    from r1repro.model import load_model
    other = tmp_path / 'neox'
    shutil.copytree(qwen_dir, other)
    cfg = json.loads((other / 'config.json').read_text())
    (other / 'config.json').write_text(json.dumps({**cfg, 'model_type': 'gpt_neox', 'architectures': ['GPTNeoXForCausalLM']}))
    with pytest.raises(ValueError, match="architecture 'gpt_neox' is not supported"): load_model(other)
