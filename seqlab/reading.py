"""The number-reading experiments of 7장 and 8장: vocabularies, models, training, evaluation by
source length, and small checkpoints.

``python -m seqlab.reading`` (``make checkpoints``) retrains every checkpoint in
``seqlab/checkpoints/`` from scratch on the CPU with one thread; each file records its seed,
number of steps and data split. The weights are stored in half precision to keep the files
small and are cast back to float32 when loaded. The chapters evaluate the loaded models on the
held-out test split themselves.

The generic parts (the interface, the loss, greedy decoding, the metrics) live in
:mod:`seqlab.seq2seq` and :mod:`seqlab.attention`; this module only fixes the task and the budget.
"""
from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from .attention import SCORES, AttentionDecoder
from .data import Vocab, build_vocab
from .numbers import DIGITS_KO, MAX_DIGITS, number_pairs, sample_numbers
from .repro import progress
from .seq2seq import EncoderDecoder, GRUDecoder, GRUEncoder, exact_match, free_running_logits, greedy_decode, \
    make_seq2seq_batch, masked_cross_entropy, token_accuracy
from .validation import check_bool, check_int, check_positive, describe, expected_message

__all__ = ["CHECKPOINT_DIR", "Config", "number_vocabs", "build_model", "train_model", "test_numbers",
           "evaluate", "save_checkpoint", "load_checkpoint", "LENGTH_BUCKETS", "EXPERIMENTS", "CONTROL"]

CHECKPOINT_DIR = Path(__file__).with_name("checkpoints")
#: Source-length buckets (number of digits) for the accuracy-by-length table.
LENGTH_BUCKETS = ((1, 3), (4, 6), (7, 9), (10, 12))


@dataclass(frozen=True)
class Config:
    """One training run. ``attention`` is ``"none"`` or a score name of :data:`seqlab.attention.SCORES`.
    (7장, 8장)"""

    attention: str = "none"
    seed: int = 0
    steps: int = 1000
    batch_size: int = 64
    lr: float = 3e-3
    d_w: int = 16
    d_h: int = 32
    max_digits: int = 12
    clip: float = 1.0

    def __post_init__(self) -> None:
        if self.attention not in ("none",) + SCORES:
            choices = ", ".join(repr(c) for c in ("none",) + SCORES)
            raise ValueError(expected_message("Config", "attention", f"{choices} 중 하나", repr(self.attention)))
        for name in ("steps", "batch_size", "d_w", "d_h", "max_digits"):
            value = getattr(self, name)
            object.__setattr__(self, name, check_int(value, name, minimum=1, where="Config"))
        for name in ("lr", "clip"):
            value = getattr(self, name)
            object.__setattr__(self, name, check_positive(value, name, where="Config"))
        object.__setattr__(self, "seed", check_int(self.seed, "seed", where="Config"))
        if self.max_digits > MAX_DIGITS:
            raise ValueError(expected_message("Config", "max_digits", f"[1, {MAX_DIGITS}] 범위의 정수(int)",
                                              str(self.max_digits)) + f". 수 읽기는 {MAX_DIGITS}자리까지만 다룹니다")
        if self.d_h % 2:
            message = expected_message("Config", "d_h", "짝수", str(self.d_h))
            raise ValueError(f"{message}. 양방향 인코더가 방향마다 d_h // 2씩 씁니다")

    def name(self) -> str:
        """``dot-seed0`` for the shared budget; a size or step count that differs from it is
        named too (``none-d64-6000steps-seed0``)."""
        size = "" if self.d_h == Config.d_h else f"-d{self.d_h}"
        steps = "" if self.steps == Config.steps else f"-{self.steps}steps"
        return f"{self.attention}{size}{steps}-seed{self.seed}"


#: The control of 7장: no attention, twice the hidden size and six times the steps.
CONTROL = dict(attention="none", d_h=64, steps=6000)

#: What ``make checkpoints`` trains: every score and no attention, three seeds each, same budget;
#: then the larger, longer-trained no-attention control, three seeds.
EXPERIMENTS = tuple(Config(attention=a, seed=s) for a in ("none",) + SCORES for s in (0, 1, 2)) \
    + tuple(Config(**CONTROL, seed=s) for s in (0, 1, 2))


def number_vocabs() -> tuple[Vocab, Vocab]:
    """Source (digits) and target (Korean characters and the space) vocabularies, both with the
    reserved ``<pad>``=0, ``<unk>``=1, ``<sos>``=2, ``<eos>``=3. (7장)"""
    src = build_vocab([list("0123456789")], sos_eos=True)
    tgt = build_vocab([list(DIGITS_KO + "십백천만억조 ")], sos_eos=True)
    return src, tgt


def _check_config(cfg, where: str) -> Config:
    if not isinstance(cfg, Config):
        raise TypeError(expected_message(where, "cfg", "Config(attention=..., seed=...) 객체", describe(cfg)))
    return cfg


def _check_model(model, where: str) -> EncoderDecoder:
    if not isinstance(model, EncoderDecoder):
        given = f"{type(model).__name__} 모듈" if isinstance(model, torch.nn.Module) else describe(model)
        raise TypeError(expected_message(where, "model", "EncoderDecoder 모델(build_model(cfg)의 반환값)", given))
    return model


def build_model(cfg: Config) -> EncoderDecoder:
    """The encoder-decoder of 7장 (``attention="none"``) or 8장 (a score name). (7장, 8장)"""
    _check_config(cfg, "build_model")
    src_v, tgt_v = number_vocabs()
    enc = GRUEncoder(len(src_v), d_w=cfg.d_w, d_h=cfg.d_h)
    if cfg.attention == "none":
        dec = GRUDecoder(len(tgt_v), d_w=cfg.d_w, d_h=cfg.d_h)
    else:
        dec = AttentionDecoder(len(tgt_v), score=cfg.attention, d_w=cfg.d_w, d_h=cfg.d_h, max_src_len=cfg.max_digits)
    return EncoderDecoder(enc, dec)


def train_model(cfg: Config, *, desc: str | None = None, eval_every: int = 0, val_size: int = 300,
                teacher_forcing: bool = True):
    """Train from scratch with Adam, teacher forcing (unless ``teacher_forcing=False``: then
    :func:`seqlab.seq2seq.free_running_logits`) and the masked loss; gradients clipped to
    norm ``cfg.clip``. Returns ``(model, losses, val_curve)``; ``val_curve`` holds
    ``(step, exact match)`` on the validation split every ``eval_every`` steps (none if 0). (7장)"""
    _check_config(cfg, "train_model")
    if desc is not None and not isinstance(desc, str):
        raise TypeError(expected_message("train_model", "desc", "None 또는 문자열(str)", describe(desc)))
    check_int(eval_every, "eval_every", minimum=0, where="train_model")
    check_int(val_size, "val_size", minimum=1, where="train_model")
    check_bool(teacher_forcing, "teacher_forcing", where="train_model")
    torch.manual_seed(cfg.seed)
    model = build_model(cfg)
    src_v, tgt_v = number_vocabs()
    numbers = sample_numbers(cfg.steps * cfg.batch_size, "train", max_digits=cfg.max_digits,
                             seed=1000 + cfg.seed, distinct=False)
    val = sample_numbers(val_size, "val", max_digits=cfg.max_digits, seed=2000) if eval_every else []
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    losses, curve = [], []
    model.train()
    for step in progress(range(cfg.steps), desc=desc or cfg.name()):
        chunk = numbers[step * cfg.batch_size:(step + 1) * cfg.batch_size]
        b = make_seq2seq_batch(number_pairs(chunk), src_v, tgt_v)
        if teacher_forcing:
            logits = model(b.src, b.src_lengths, b.tgt_in)  # (B, T, V)
        else:
            logits = free_running_logits(model, b.src, b.src_lengths, b.tgt_out.shape[1], sos_id=tgt_v.sos_id)
        loss = masked_cross_entropy(logits, b.tgt_out, tgt_v.pad_id)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        losses.append(loss.item())
        if eval_every and ((step + 1) % eval_every == 0 or step == 0):
            curve.append((step + 1, evaluate(model, val)["exact"]))
            model.train()
    model.eval()
    return model, losses, curve


def test_numbers(n: int = 1200, max_digits: int = 12) -> list[str]:
    """The held-out test numbers used by both chapters (same seed, so the same list). (7장)"""
    return sample_numbers(n, "test", max_digits=max_digits, seed=3000)


@torch.no_grad()
def evaluate(model: EncoderDecoder, numbers: list[str], *, batch_size: int = 1200) -> dict:
    """Greedy-decode ``numbers`` and score them. Returns ``{"exact", "token", "by_length":
    {(lo, hi): exact}, "correct": [bool per number]}``. The batches go to the model's device;
    the scores are computed on the CPU. (7장)"""
    _check_model(model, "evaluate")
    if isinstance(numbers, (str, bytes)) or not isinstance(numbers, (list, tuple)):
        raise TypeError(expected_message("evaluate", "numbers", "숫자 문자열의 비어 있지 않은 리스트",
                                         describe(numbers)))
    if not len(numbers):
        raise ValueError(expected_message("evaluate", "numbers", "숫자 문자열의 비어 있지 않은 리스트",
                                          describe(numbers)))
    batch_size = check_int(batch_size, "batch_size", minimum=1, where="evaluate")
    src_v, tgt_v = number_vocabs()
    device = next(model.parameters()).device
    correct, tok_hits, tok_total = [], 0, 0
    for i in range(0, len(numbers), batch_size):
        b = make_seq2seq_batch(number_pairs(numbers[i:i + batch_size]), src_v, tgt_v)
        r = greedy_decode(model, b.src.to(device), b.src_lengths, max_len=b.tgt_out.shape[1] + 5,
                          sos_id=tgt_v.sos_id, eos_id=tgt_v.eos_id, pad_id=tgt_v.pad_id)
        tokens = r.tokens.cpu()  # (B, T')
        correct += exact_match(tokens, b.tgt_out, tgt_v.pad_id).tolist()
        real = int((b.tgt_out != tgt_v.pad_id).sum())
        tok_hits += round(token_accuracy(tokens, b.tgt_out, tgt_v.pad_id) * real)
        tok_total += real
    by_length = {}
    for lo, hi in LENGTH_BUCKETS:
        sel = [c for s, c in zip(numbers, correct) if lo <= len(s) <= hi]
        if sel:
            by_length[(lo, hi)] = sum(sel) / len(sel)
    return {"exact": sum(correct) / len(correct), "token": tok_hits / tok_total, "by_length": by_length,
            "correct": correct}


def save_checkpoint(model: EncoderDecoder, cfg: Config, path: Path, **meta) -> None:
    """Half-precision weights (one flat vector, in ``state_dict`` order) plus the config and
    ``meta`` (e.g. the split used). (7장, 8장)"""
    _check_model(model, "save_checkpoint")
    _check_config(cfg, "save_checkpoint")
    if not isinstance(path, (str, Path)):
        raise TypeError(expected_message("save_checkpoint", "path", "파일 경로(str 또는 pathlib.Path)", describe(path)))
    flat = torch.cat([v.detach().flatten() for v in model.state_dict().values()]).to(torch.float16)
    torch.save({"config": asdict(cfg), "flat": flat, "meta": meta}, path)


def load_checkpoint(path: str | Path) -> tuple[EncoderDecoder, Config, dict]:
    """Rebuild the model from a checkpoint file (weights cast back to float32). (7장, 8장)"""
    if not isinstance(path, (str, Path)):
        raise TypeError(expected_message("load_checkpoint", "path", "파일 경로(str 또는 pathlib.Path)", describe(path)))
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except OSError:
        raise
    except Exception as exc:  # not a file torch.save wrote: a pickle, zip or unpickling error
        raise ValueError(f"load_checkpoint: {path}: save_checkpoint가 만든 체크포인트 파일로 읽을 수 없습니다"
                         f"({type(exc).__name__})") from exc
    if not (isinstance(blob, dict) and isinstance(blob.get("config"), dict) and isinstance(blob.get("flat"), torch.Tensor)
            and isinstance(blob.get("meta", {}), dict)):
        raise ValueError(f"load_checkpoint: {path}: save_checkpoint가 만든 체크포인트가 아닙니다. 키 'config', 'flat', "
                         f"'meta'가 있는 dict여야 합니다. 받은 값: {describe(blob)}")
    cfg = Config(**blob["config"])
    model = build_model(cfg)
    flat, state, start = blob["flat"].float(), {}, 0
    for k, v in model.state_dict().items():
        state[k] = flat[start:start + v.numel()].view_as(v)
        start += v.numel()
    if start != flat.numel():
        raise ValueError(f"load_checkpoint: {path}: 체크포인트에 든 수는 {flat.numel()}개인데 모델에 필요한 수는 "
                         f"{start}개입니다")
    model.load_state_dict(state)
    return model.eval(), cfg, blob.get("meta", {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Retrain the checkpoints of chapters 7-8 (CPU, one thread).")
    parser.add_argument("--out", default=str(CHECKPOINT_DIR))
    parser.add_argument("--only", nargs="*", help="config names such as none-seed0 (default: all)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for cfg in EXPERIMENTS:
        if args.only and cfg.name() not in args.only:
            continue
        model, losses, _ = train_model(cfg)
        save_checkpoint(model, cfg, out / f"{cfg.name()}.pt", split="train (sha256 bucket >= 20)",
                        final_loss=round(sum(losses[-50:]) / 50, 4))
        print(cfg.name(), "saved", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
