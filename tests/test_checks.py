"""seqlab.checks: what tests see of the student, and the Korean messages they give."""
import re

import numpy as np
import pytest
import torch
from torch import nn

import seqlab
from seqlab.checks import (
    NOT_ANSWERED,
    Checker,
    CheckFailed,
    LocalStudent,
    NotAnswered,
    Ref,
    ScriptedStep,
    StudentError,
    case_source,
    expect,
    read_test_file,
    read_test_source,
    run_case,
    to_data,
)
from seqlab.colab import pack_tests


def _student(code: str) -> LocalStudent:
    ns = {"torch": torch, "nn": nn}
    exec(code, ns)  # noqa: S102 - test fixture
    return LocalStudent(ns)


# ------------------------------------------------------------------------------ expect

def test_equal_names_the_first_difference_with_expected_and_got():
    with pytest.raises(CheckFailed) as err:
        expect.equal(torch.tensor([[1, 2], [3, 4]]), [[1, 2], [3, 5]], "배치")
    msg = str(err.value)
    assert msg.startswith("배치: 값이 다릅니다. 위치 [1][1]에서 기대 5, 실제 4.")
    assert "기대: [[1, 2], [3, 5]]" in msg and "실제: tensor([[1, 2], [3, 4]], dtype=torch.int64)" in msg


def test_equal_reports_shape_before_values_and_none_as_unanswered():
    with pytest.raises(CheckFailed, match=r"모양\(shape\)이 다릅니다. 기대 \(2, 2\), 실제 \(2, 3\)"):
        expect.equal(torch.zeros(2, 3), torch.zeros(2, 2), "x")
    with pytest.raises(CheckFailed, match="return을 빠뜨렸거나 " + NOT_ANSWERED):
        expect.equal(None, [1], "결과")
    with pytest.raises(CheckFailed, match="기대 1, 실제 True"):
        expect.equal([True], [1], "bool은 int가 아닙니다")
    expect.equal((1, (2, 3)), [1, [2, 3]], "튜플과 리스트는 같은 값")


def test_close_reports_tolerance_position_and_max_difference():
    expect.close(torch.tensor([1.0, 2.0]), [1.0, 2.0 + 1e-8], "ok")
    with pytest.raises(CheckFailed) as err:
        expect.close(torch.tensor([1.0, 2.5]), [1.0, 2.0], "h_t")
    msg = str(err.value)
    assert "허용 오차" in msg and "위치 [1]에서 기대 2, 실제 2.5" in msg and "최대 차이 0.5" in msg
    with pytest.raises(CheckFailed, match="수\\(또는 수의 텐서\\)가 와야"):
        expect.close("abc", 1.0, "x")
    with pytest.raises(CheckFailed, match="모양"):
        expect.close(torch.zeros(3), torch.zeros(2), "x")
    with pytest.raises(CheckFailed):
        expect.close(float("nan"), 1.0, "nan은 통과하지 않습니다")


def test_shape_dtype_type_true_raises():
    with pytest.raises(CheckFailed, match=r"기대 \(3,\), 실제 \(2,\)"):
        expect.shape(torch.zeros(2), (3,), "x")
    with pytest.raises(CheckFailed, match="텐서가 와야 하는데 리스트"):
        expect.shape([1, 2], (2,), "x")
    with pytest.raises(CheckFailed, match="기대 torch.int64, 실제 torch.float32"):
        expect.dtype(torch.zeros(1), torch.long, "x")
    with pytest.raises(CheckFailed, match="실수\\(float\\)이\\(가\\) 와야 하는데 bool"):
        expect.type(True, float, "x")
    with pytest.raises(CheckFailed, match="직접 쓴 메시지"):
        expect.true(False, "직접 쓴 메시지")
    with pytest.raises(TypeError, match=r"expect\.true: condition에는 bool\(또는 원소가 하나인 텐서\)이 와야 합니다\. "
                                        r"받은 값: 문자열 'yes'"):
        expect.true("yes", "a condition must be a bool")
    s = _student("def f(x):\n    raise ValueError('x must be positive')\ndef g(x):\n    return x\n")
    expect.raises(ValueError, s.f, 1, what="f(1)", match="positive")
    with pytest.raises(CheckFailed, match="오류 없이 끝났습니다"):
        expect.raises(ValueError, s.g, 1, what="g(1)")
    with pytest.raises(CheckFailed, match="TypeError이\\(가\\) 나야 하는데 ValueError"):
        expect.raises(TypeError, s.f, 1, what="f(1)")


# ------------------------------------------------------------------------------ student

def test_student_gives_data_copies_and_references():
    s = _student("t = torch.ones(2, requires_grad=True)\nemb = nn.Embedding(5, 3, padding_idx=0)\n"
                 "def f(x):\n    x += 1\n    return x, [x.sum()]\n")
    t = s.t
    assert isinstance(t, torch.Tensor) and not t.requires_grad
    t += 5  # a copy: the student's tensor is unchanged
    assert s.t.tolist() == [1.0, 1.0]
    emb = s.emb
    assert isinstance(emb, Ref) and emb.kind == "Embedding"
    assert emb.padding_idx == 0 and emb.weight.shape == (5, 3)
    x = torch.zeros(2)
    out, rest = s.f(x)
    assert x.tolist() == [0.0, 0.0]  # arguments are copied before the call
    assert out.tolist() == [1.0, 1.0] and rest[0].item() == 2.0
    assert s.emb(torch.tensor([0, 1])).shape == (2, 3)
    with pytest.raises(TypeError, match="테스트는 학생의 이름 공간\\(namespace\\)을 바꿀 수 없습니다: t에 값을"):
        s.t = 1
    with pytest.raises(TypeError, match="테스트는 학생의 객체를 바꿀 수 없습니다: emb.padding_idx에 값을"):
        emb.padding_idx = 1
    with pytest.raises(TypeError, match=r"학생 코드에 넘길 수 있는 것은 데이터\(.*\)나 학생 객체의 참조\(Ref\)뿐입니다\. "
                                        r"받은 값: object 객체"):
        s.f(object())
    with pytest.raises(TypeError, match=r"LocalStudent: namespace에는 노트북의 globals\(\) 딕셔너리\(dict\)가 와야 "
                                        r"합니다\. 받은 값: 빈 list"):
        LocalStudent([])


def test_not_answered_for_missing_names_ellipsis_and_empty_bodies():
    s = _student("x = ...\ndef f(a):\n    ...\nclass M(nn.Module):\n    def forward(self, x):\n        ...\n"
                 "def g():\n    raise NotImplementedError\nm = M()\n")
    for get in (lambda: s.missing, lambda: s.x, lambda: s.f(1), lambda: s.g(), lambda: s.m(torch.zeros(1))):
        with pytest.raises(NotAnswered, match=NOT_ANSWERED):
            get()
    assert not s.defined("x") and s.defined("f") and not s.defined("missing")


def test_student_errors_are_reported_not_raised_raw():
    s = _student("def f(x):\n    return x.nope\n")
    with pytest.raises(StudentError) as err:
        s.f(torch.zeros(1))
    assert err.value.type_names[0] == "AttributeError" and "학생 코드에서 오류" in str(err.value)


def test_forbid_blocks_every_alias_and_restores_afterwards():
    s = _student("import seqlab\nfrom seqlab import pad_sequences as ps\n"
                 "from torch.nn.utils.rnn import pack_padded_sequence\n"
                 "def via_alias(x):\n    return ps(x)[0]\n"
                 "def via_module(x):\n    return seqlab.data.pad_sequences(x)[0]\n"
                 "def packs(x, l):\n    return pack_padded_sequence(x, l, batch_first=True).data\n"
                 "def swallow(x):\n    try:\n        return ps(x)[0]\n    except Exception:\n        return 'hidden'\n")
    with s.forbid("seqlab.pad_sequences", "torch.nn.utils.rnn.pack_padded_sequence"):
        for fn in (s.via_alias, s.via_module, s.swallow):
            with pytest.raises(CheckFailed, match="쓰지 않고 직접 구현"):
                fn([[1, 2], [3]])
        with pytest.raises(CheckFailed, match="pack_padded_sequence"):
            s.packs(torch.zeros(2, 3), torch.tensor([3, 1]))
    assert s.via_alias([[1, 2], [3]]).tolist() == [[1, 2], [3, 0]]  # restored
    assert seqlab.pad_sequences([[1]])[0].tolist() == [[1]]
    with pytest.raises(ValueError, match="'seqlab.no_such_function'에 해당하는 것을 찾을 수 없습니다"):
        with s.forbid("seqlab.no_such_function"):
            pass


def test_forbid_builtin_and_class_attributes():
    s = _student("def count(d_in, d_h):\n    return sum(p.numel() for p in nn.RNN(d_in, d_h).parameters())\n")
    with s.forbid("torch.nn.RNNBase.__init__"):
        with pytest.raises(CheckFailed):
            s.count(2, 3)
    assert s.count(2, 3) == 3 * 2 + 3 * 3 + 6


def test_scripted_step_crosses_as_data():
    step = ScriptedStep({0: [2, 1], 1: 3}, vocab_size=4)
    logits, state = step(0, None)
    assert logits.tolist() == [0.0, 1.0, 1.0, 0.0] and state == 1 and int(logits.argmax()) == 1
    assert ScriptedStep.from_data(step.to_data()).next_ids == step.next_ids
    s = _student("def first(step):\n    return int(step(0, None)[0].argmax())\n")
    assert s.first(step) == 1
    with pytest.raises(ValueError, match="ScriptedStep: vocab_size에는 1 이상의 정수\\(int\\)가 와야 합니다. 받은 값: int 0"):
        ScriptedStep({0: 1}, vocab_size=0)
    with pytest.raises(ValueError, match=r"next_ids\[0\] = 9: 키인 토큰과 다음 토큰은 모두 \[0, 4\) 범위의 정수 id여야"):
        ScriptedStep({0: 9}, vocab_size=4)
    with pytest.raises(KeyError, match=r"토큰 3의 다음 토큰이 정해져 있지 않습니다\(상태 0\)"):
        step(3, None)


def test_to_data_copies_packed_sequences_and_sizes():
    from torch.nn.utils.rnn import pack_padded_sequence

    ps = pack_padded_sequence(torch.ones(2, 3), torch.tensor([3, 1]), batch_first=True)
    copy = to_data(ps)
    assert copy.batch_sizes.tolist() == [2, 1, 1] and copy.data is not ps.data
    assert to_data(torch.Size([2, 3])) == (2, 3) and to_data(np.int64(4)) == 4


# ------------------------------------------------------------------------------ checker

TEST_FILE = '''OK_FORMAT = True

test = {"name": "q1", "points": 2, "suites": [{"cases": [
    {"code": ">>> out = student.double(torch.tensor([1, 2]))\\n>>> expect.equal(out, [2, 4], 'double([1, 2])')\\n",
     "hidden": False, "locked": False},
    {"code": ">>> for v in [0, 5]:\\n...     expect.equal(student.double(torch.tensor([v])), [2 * v], f'double([{v}])')\\n",
     "hidden": False, "locked": False}],
  "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}
'''


def test_read_test_source_and_case_source():
    test = read_test_source(TEST_FILE)
    assert test["name"] == "q1" and len(test["suites"][0]["cases"]) == 2
    src = case_source(test["suites"][0]["cases"][1]["code"])
    assert src.splitlines()[0] == "for v in [0, 5]:" and src.splitlines()[1].startswith("    expect.equal")
    with pytest.raises(ValueError, match=r"<test>: suites가 든 `test = \{\.\.\.\}` 할당을 찾지 못했습니다\. otter의 OK 형식"):
        read_test_source("x = 1\n")


def test_a_test_file_without_name_is_a_clear_value_error(tmp_path):
    nameless = TEST_FILE.replace('"name": "q1", ', "")
    path = tmp_path / "q7.py"
    path.write_text(nameless, encoding="utf-8")
    for read in (lambda: read_test_file(path), lambda: read_test_source(nameless, str(path))):
        with pytest.raises(ValueError, match=re.escape(f"{path}: 테스트 파일의 `test` 딕셔너리에 `name` 키") +
                           ".*가 없습니다") as err:
            read()
        assert not isinstance(err.value, KeyError)
    with pytest.raises(ValueError, match=r"q7\.py: 테스트 파일의 `test` 딕셔너리에 `name` 키"):
        Checker("demo", pack_tests({"q7.py": nameless}), {})


def test_checker_reports_not_answered_pass_and_failure_in_korean():
    blob = pack_tests({"q1.py": TEST_FILE})
    ns = {"torch": torch}
    exec("def double(x):\n    ...\n", ns)  # noqa: S102
    grader = Checker("demo", blob, ns)
    assert grader.questions == ["q1"]
    assert repr(grader.check("q1")).startswith("q1: " + NOT_ANSWERED)
    exec("def double(x):\n    return x * 2\n", ns)  # noqa: S102
    assert "공개 테스트 2개를 모두 통과했습니다" in repr(grader.check("q1"))
    exec("def double(x):\n    return x + x.clamp(max=1)\n", ns)  # noqa: S102
    report = repr(grader.check("q1"))
    assert report.startswith("q1: 공개 테스트 2개 중 0개 통과")
    assert "위치 [1]에서 기대 4, 실제 3" in report and "double([5])" in report
    summary = repr(grader.check_all())
    assert "✗ q1 (2점): 실패" in summary and "0/1" in summary
    with pytest.raises(KeyError, match="q9"):
        grader.check("q9")
    with pytest.raises(TypeError, match=r"Checker: 세 번째 인자\(namespace\)에는 노트북의 globals\(\) 딕셔너리\(dict\)가 "
                                        r"와야 합니다\. 받은 값: None\. Checker\(name, PUBLIC_TESTS, globals\(\)\)처럼"):
        Checker("demo", blob, None)


def test_run_case_never_raises_for_a_failing_test():
    s = _student("def f():\n    return 1\n")
    r = run_case("a, b = student.f()", s)
    assert not r.passed and r.answered and "TypeError" in r.message
    assert run_case("expect.equal(1, 1, 'x')", s).passed


# ------------------------------------------------------------- forbidding operations (issue 16)

_LSTM_ARGS = "x = torch.randn(2, 3); h = torch.zeros(2, 4); c = torch.zeros(2, 4)\n" \
             "W = torch.randn(16, 3); U = torch.randn(16, 4); b = torch.zeros(16)\n"
BYPASSES = {
    "torch._VF": "def f():\n" + "    " + _LSTM_ARGS.replace("\n", "\n    ") + "return torch._VF.lstm_cell(x, (h, c), W, U, b, b)[0]",
    "torch.ops.aten": "def f():\n    " + _LSTM_ARGS.replace("\n", "\n    ") + "return torch.ops.aten.lstm_cell(x, [h, c], W, U, b, b)[0]",
    "torch.lstm_cell": "def f():\n    " + _LSTM_ARGS.replace("\n", "\n    ") + "return torch.lstm_cell(x, (h, c), W, U, b, b)[0]",
    "module built before": "cell = nn.LSTMCell(3, 4)\ndef f():\n    return cell(torch.randn(2, 3))[0]",
    "scratch cell": "from seqlab.models import ScratchLSTMCell as S\ncell = S(3, 4)\n"
                    "def f():\n    return cell(torch.randn(2, 3), (torch.zeros(2, 4), torch.zeros(2, 4)))[0]",
    "other recurrent layer": "def f():\n    return nn.GRUCell(3, 4)(torch.randn(2, 3))",
    "partial": "import functools\nfrom seqlab.models import unroll\ng = functools.partial(unroll, nn.RNNCell(3, 4))\n"
               "def f():\n    return g(torch.randn(1, 2, 3))[0]",
}


@pytest.mark.parametrize("route", sorted(BYPASSES))
def test_forbid_catches_the_operation_on_every_route(route):
    s = _student(BYPASSES[route])
    with s.forbid("@recurrent"):
        with pytest.raises(CheckFailed, match="쓰지 않고 직접 구현"):
            s.f()
    assert isinstance(s.f(), torch.Tensor)  # allowed again after the block
    assert seqlab.checks.guard_intact() is None


def test_forbid_catches_copies_and_modules_loaded_again(tmp_path):
    import shutil

    shutil.copy(seqlab.data.__file__, tmp_path / "mydata.py")  # a copy of the module file elsewhere
    code = ("import importlib.util, sys, types, seqlab.data\n"
            f"spec = importlib.util.spec_from_file_location('seqlab.other_name', {seqlab.data.__file__!r})\n"
            "again = importlib.util.module_from_spec(spec); sys.modules['seqlab.other_name'] = again\n"
            "spec.loader.exec_module(again)\n"
            f"spec2 = importlib.util.spec_from_file_location('seqlab.mydata', {str(tmp_path / 'mydata.py')!r})\n"
            "copied = importlib.util.module_from_spec(spec2); sys.modules['seqlab.mydata'] = copied\n"
            "spec2.loader.exec_module(copied)\n"
            "fn = seqlab.data.pad_sequences\n"
            "clone = types.FunctionType(fn.__code__, fn.__globals__, 'clone', fn.__defaults__)\n"
            "clone.__kwdefaults__ = fn.__kwdefaults__\n"
            "def via_reload(x):\n    return again.pad_sequences(x)[0]\n"
            "def via_copy_file(x):\n    return copied.pad_sequences(x)[0]\n"
            "def via_clone(x):\n    return clone(x)[0]\n"
            "def via_torch_private(x):\n"
            "    return torch._C._nn.pad_sequence([torch.tensor(s) for s in x], True, 0.0, 'right')\n"
            "def via_nested(x):\n"
            "    return torch.nested.nested_tensor([torch.tensor(s) for s in x]).to_padded_tensor(0)\n"
            "def honest(x):\n    L = max(map(len, x))\n    return torch.tensor([s + [0] * (L - len(s)) for s in x])\n")
    s = _student(code)
    with s.forbid("01-padding:q1"):
        for fn in (s.via_reload, s.via_copy_file, s.via_clone, s.via_torch_private, s.via_nested):
            with pytest.raises(CheckFailed, match="쓰지 않고 직접 구현"):
                fn([[1, 2], [3]])
        assert s.honest([[1, 2], [3]]).tolist() == [[1, 2], [3, 0]]
    assert s.via_nested([[1, 2], [3]]).tolist() == [[1, 2], [3, 0]]
    import sys

    sys.modules.pop("seqlab.other_name", None)
    sys.modules.pop("seqlab.mydata", None)


def test_forbid_message_names_the_operation_and_the_test_code_is_not_watched():
    s = _student("def f(x, l):\n    return torch.ops.aten._pack_padded_sequence(x, l, True)[0]\n")
    from torch.nn.utils.rnn import pack_padded_sequence

    with s.forbid("torch.nn.utils.rnn.pack_padded_sequence"):
        want = pack_padded_sequence(torch.zeros(2, 3), torch.tensor([3, 1]), batch_first=True)  # the test's own
        with pytest.raises(CheckFailed) as err:
            s.f(torch.zeros(2, 3), torch.tensor([3, 1]))
    assert "`torch.nn.utils.rnn.pack_padded_sequence`" in str(err.value)
    assert "aten::_pack_padded_sequence" in str(err.value) and want.batch_sizes.tolist() == [2, 1, 1]


@pytest.mark.parametrize("name", ["torch.nn.GRU", "torch.nn.functional.scaled_dot_product_attention",
                                  "seqlab.attention.*", "seqlab.attention", "seqlab.attention.masked_softmax",
                                  "torch.nn.utils.rnn.pack_padded_sequence", "torch.nn.functional.cross_entropy",
                                  "aten::lstm_cell", "torch.ops.aten.gru_cell", "math.factorial"])
def test_generic_rule_handles_any_importable_dotted_name(name):
    rules = [seqlab.checks._compile_name(n) for n in seqlab.checks.forbidden_names(name)]
    assert rules and all(r.codes or r.files or r.ops or r.builtins for r in rules)


def test_forbid_known_names_through_their_generic_rule():
    s = _student("import seqlab.attention as A\nimport math\nimport torch.nn.functional as F\n"
                 "def sdpa(q):\n    return torch._C._nn.scaled_dot_product_attention(q, q, q)\n"
                 "def score(q):\n    return A.DotScore()(q, q)\n"
                 "def gru(x):\n    return torch._VF.gru(x, torch.zeros(1, 1, 2), [torch.randn(6, 2), torch.randn(6, 2),"
                 " torch.zeros(6), torch.zeros(6)], True, 1, 0.0, False, False, True)[0]\n"
                 "def fact(n):\n    return math.factorial(n)\n"
                 "def nll(x):\n    return F.nll_loss(F.log_softmax(x, -1), torch.tensor([0]))\n")
    q = torch.randn(1, 2, 2)
    cases = [("torch.nn.functional.scaled_dot_product_attention", s.sdpa, (q,)),
             ("seqlab.attention.*", s.score, (q,)), ("torch.nn.GRU", s.gru, (torch.randn(1, 3, 2),)),
             ("math.factorial", s.fact, (5,)), ("torch.nn.functional.cross_entropy", s.nll, (torch.randn(1, 3),))]
    for name, fn, args in cases:
        with s.forbid(name):
            with pytest.raises(CheckFailed, match="직접 구현"):
                fn(*args)
        fn(*args)


def test_forbid_rejects_unknown_names_groups_and_questions():
    s = _student("")
    for bad, match in [("seqlab.no_such_function", "찾을 수 없습니다"),
                       ("@nothing", r"없는 도구 묶음\(tool group\)입니다: '@nothing'\. 있는 묶음: @padding"),
                       ("99-none:q1", "QUESTION_FORBIDS에 '99-none:q1' 문제가 없습니다"),
                       ("math.pi", r"'math\.pi': 금지할 수 있는 함수, 클래스, 모듈, 연산자가 아닙니다")]:
        with pytest.raises(ValueError, match=match):
            with s.forbid(bad):
                pass
    with pytest.raises(TypeError, match=r"forbid: names의 항목에는 비어 있지 않은 문자열\(str\)이 와야 합니다\. "
                                        r"받은 값: 문자열 ''"):
        with s.forbid(""):
            pass


def test_tampering_is_detected_and_never_passes():
    s = _student("import sys\n"
                 "def unhook(x):\n    sys.setprofile(None)\n    return torch.nn.utils.rnn.pad_sequence(x)\n")
    assert seqlab.checks.guard_intact() is None
    with s.forbid("torch.nn.utils.rnn.pad_sequence"):
        with pytest.raises(CheckFailed, match="검사 장치"):
            s.unhook([torch.ones(2), torch.ones(1)])
    reason = seqlab.checks.guard_intact()
    assert reason and "sys.setprofile" in reason
    seqlab.checks._TAMPER_LOG.clear()
    original = seqlab.checks.LocalStudent.forbid
    try:
        seqlab.checks.LocalStudent.forbid = lambda self, *names: __import__("contextlib").nullcontext()
        assert "LocalStudent.forbid was replaced" in seqlab.checks.guard_intact()
    finally:
        seqlab.checks.LocalStudent.forbid = original
    code = seqlab.checks._run_student.__code__
    try:
        seqlab.checks._run_student.__code__ = (lambda student, fn: fn()).__code__
        assert "code of" in seqlab.checks.guard_intact()
    finally:
        seqlab.checks._run_student.__code__ = code
    assert seqlab.checks.guard_intact() is None
    with pytest.raises(TypeError):
        seqlab.checks.QUESTION_FORBIDS["01-padding:q1"] = ()


# ------------------------------------------------------------- stated requirements (issues 16, 19)

def test_strict_equal_checks_kinds_not_only_values():
    expect.equal(3.0, 3, "x")  # the lenient default stays
    for got, want, words in [(3.0, 3, "실수(float)"), (torch.tensor(3), 3, "torch.Tensor"),
                             (np.array([1.0, 2.0]), np.array([1, 2]), "float64"),
                             (torch.tensor([1, 2], dtype=torch.int32), torch.tensor([1, 2]), "int32"),
                             ([1, 2.0], [1, 2], "[1]"), ([1, 2], (1, 2), "리스트(list)"), (True, 1, "bool")]:
        with pytest.raises(CheckFailed, match="종류가 다릅니다") as err:
            expect.equal(got, want, "x", strict=True)
        assert words in str(err.value), (got, want, str(err.value))
    expect.equal(np.array([1, 2], dtype=np.int32), np.array([1, 2]), "x", strict=True)  # any integer array
    expect.equal({"a": [1, (2, 3)]}, {"a": [1, (2, 3)]}, "x", strict=True)
    with pytest.raises(CheckFailed, match="값이 다릅니다"):
        expect.equal(4, 3, "x", strict=True)


def test_equal_on_dicts_holding_tensors_and_close_with_infinities():
    sd = to_data(nn.Linear(2, 3).state_dict())
    expect.equal(sd, {k: v.clone() for k, v in sd.items()}, "state_dict")
    expect.equal({"w": np.arange(3)}, {"w": [0, 1, 2]}, "d")
    other = {k: v + 1 for k, v in sd.items()}
    with pytest.raises(CheckFailed, match="'bias'|'weight'"):
        expect.equal(other, sd, "state_dict")
    with pytest.raises(CheckFailed, match="키가 다릅니다"):
        expect.equal({"a": 1}, {"b": 1}, "d")
    x = torch.tensor([1.0, float("inf"), -float("inf"), float("nan")])
    expect.close(x, x.clone(), "x")
    with pytest.raises(CheckFailed):
        expect.close(torch.tensor([float("inf")]), torch.tensor([-float("inf")]), "x")
    with pytest.raises(CheckFailed):
        expect.close(torch.tensor([1e30]), torch.tensor([float("inf")]), "x")


def test_scripted_step_logits_can_depend_on_the_state():
    step = ScriptedStep({1: 2, 2: 3}, vocab_size=5, by_state={1: {2: 4}})
    assert int(step(1, None)[0].argmax()) == 2 and step(1, None)[1] == 1
    assert int(step(2, 1)[0].argmax()) == 4 and int(step(2, 0)[0].argmax()) == 3
    again = ScriptedStep.from_data(step.to_data())
    assert again.by_state == step.by_state and again.next_ids == step.next_ids
    s = _student("def loop(step, state):\n    tok, out = 1, []\n    for _ in range(2):\n"
                 "        logits, state = step(tok, state)\n        tok = int(logits.argmax())\n        out.append(tok)\n"
                 "    return out\n"
                 "def forgetful(step, state):\n    tok, out = 1, []\n    for _ in range(2):\n"
                 "        logits, _ = step(tok, state)\n        tok = int(logits.argmax())\n        out.append(tok)\n"
                 "    return out\n")
    assert s.loop(step, None) == [2, 4] and s.forgetful(step, None) == [2, 3]
    assert s.loop(step, 7) == [2, 3]  # the caller's state is used
    with pytest.raises(ValueError, match="by_state의 키에는 정수\\(int\\) 상태가 와야 합니다. 받은 값: 'x'"):
        ScriptedStep({0: 1}, vocab_size=4, by_state={"x": {0: 1}})


def test_the_public_check_in_the_notebook_enforces_the_question_forbids():
    forbidding = ('OK_FORMAT = True\n\ntest = {"name": "q1", "points": 1, "suites": [{"cases": [\n'
                  '    {"code": ">>> with student.forbid(\'01-padding:q1\'):\\n...     out = student.double([[1], [2, 3]])\\n'
                  '>>> expect.equal(out, [[1, 0], [2, 3]], \'double\')\\n", "hidden": False, "locked": False}],\n'
                  '  "scored": True, "setup": "", "teardown": "", "type": "doctest"}]}\n')
    ns = {"torch": torch}
    exec("import functools, torch.nn.utils.rnn as R\n_p = functools.partial(R.pad_sequence, batch_first=True)\n"  # noqa: S102
         "def double(x):\n    return _p([torch.tensor(s) for s in x])\n", ns)
    report = repr(Checker("demo", pack_tests({"q1.py": forbidding}), ns).check("q1"))
    assert "0개 통과" in report and "torch.nn.utils.rnn.pad_sequence" in report and "직접 구현" in report
    exec("def double(x):\n    L = max(map(len, x))\n    return torch.tensor([s + [0] * (L - len(s)) for s in x])\n", ns)  # noqa: S102
    assert "모두 통과" in repr(Checker("demo", pack_tests({"q1.py": forbidding}), ns).check("q1"))
