"""seqlab.seq2seq.masked_cross_entropy at the edges (issues 16 and 19)."""
import pytest
import torch
import torch.nn.functional as F

from seqlab.seq2seq import masked_cross_entropy


def _batch(seed=0, B=3, T=5, V=7, pad_id=0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(B, T, V, generator=g) * 3  # (B, T, V)
    target = torch.randint(0, V, (B, T), generator=g)  # (B, T)
    target[target == pad_id] = (pad_id + 1) % V if 0 <= pad_id < V else 1
    target[0, 3:] = pad_id
    target[2, 1:] = pad_id
    return logits, target


@pytest.mark.parametrize("pad_id", [0, 3, 6, -100, -1, 99])
def test_same_as_cross_entropy_with_ignore_index(pad_id):
    for seed in range(5):
        logits, target = _batch(seed, pad_id=pad_id)
        want = F.cross_entropy(logits.transpose(1, 2), target, ignore_index=pad_id)
        got = masked_cross_entropy(logits, target, pad_id=pad_id)
        assert torch.allclose(got, want, atol=1e-6), (pad_id, seed)


@pytest.mark.parametrize("bad", [float("inf"), -float("inf"), float("nan"), 1e30])
def test_padded_logits_have_no_effect_on_value_or_gradient(bad):
    logits, target = _batch(1, pad_id=-100)
    clean = logits.clone().requires_grad_(True)
    dirty = logits.clone()
    dirty[target == -100] = bad  # every padded position holds the bad value
    dirty.requires_grad_(True)
    a, b = masked_cross_entropy(clean, target, -100), masked_cross_entropy(dirty, target, -100)
    assert torch.isfinite(b) and torch.equal(a, b)
    a.backward()
    b.backward()
    assert torch.equal(clean.grad, dirty.grad) and torch.isfinite(dirty.grad).all()
    assert (dirty.grad[target == -100] == 0).all()


def test_large_logits_do_not_overflow():
    logits = torch.tensor([[[1e4, 0.0, -1e4], [0.0, 0.0, 0.0]]])  # (1, 2, 3)
    target = torch.tensor([[1, 0]])
    got = masked_cross_entropy(logits, target, pad_id=0)
    assert torch.isfinite(got) and abs(got.item() - 1e4) < 1e-2


def test_bad_input_names_the_problem():
    logits, target = _batch(0)
    with pytest.raises(ValueError, match=r"target의 진짜\(패딩이 아닌\) 위치에 id 9가 있습니다\. id는 \[0, V=7\) 안에 "
                                         r"있거나 pad_id=0과 같아야 합니다"):
        masked_cross_entropy(logits, torch.full_like(target, 9), pad_id=0)
    with pytest.raises(ValueError, match="위치에 id -1이 있습니다. .* pad_id=-100과 같아야 합니다"):
        masked_cross_entropy(logits, torch.full_like(target, -1), pad_id=-100)
    with pytest.raises(ValueError, match="target에 pad_id=0만 있어 손실을 계산할 위치가 없습니다"):
        masked_cross_entropy(logits, torch.zeros_like(target), pad_id=0)
    with pytest.raises(ValueError, match=r"target에는 모양 \(B, T\) = \(\d+, \d+\)인 LongTensor\(torch\.long\)가 와야 "
                                         r"합니다\. 받은 값: torch\.int32 텐서"):
        masked_cross_entropy(logits, target.int(), pad_id=0)
    with pytest.raises(ValueError, match=r"logits에는 모양 \(B, T, V\)인 실수형\(float\) 텐서가 와야 합니다\. "
                                         r"받은 값: torch\.int64 텐서"):
        masked_cross_entropy(logits.long(), target, pad_id=0)
    with pytest.raises(TypeError, match=r"masked_cross_entropy: pad_id에는 정수\(int\)가 와야 합니다\. 받은 값: float 0\.0"):
        masked_cross_entropy(logits, target, pad_id=0.0)
