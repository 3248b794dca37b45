# One entry point for the course. `make site` builds the static site, `make test` runs every
# test; both create (or reuse) the pinned environment in .venv first.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv sandbox exercises site publish test test-fast browser bench bench-grading execute checkpoints clean

help:
	@echo "make site       정적 사이트를 _build/html에 만듭니다 (학생용 연습 포함)"
	@echo "make test       모든 테스트: seqlab 단위 테스트, nbval, 연습 파이프라인, 채점, 사이트 빌드, 브라우저(Chromium) 검사"
	@echo "make test-fast  단위 테스트만 (1분 안쪽; 노트북 실행, 채점, 사이트 빌드는 빼고)"
	@echo "make sandbox    채점 샌드박스(bubblewrap)가 없으면 설치합니다 (Debian/Ubuntu, root)"
	@echo "make exercises  학생용 노트북과 autograder zip을 _build/exercises에 만듭니다"
	@echo "make publish    사이트를 만들고 검사한 뒤 공개 저장소(_config.yml의 repository.url)의 gh-pages에 올립니다"
	@echo "make bench      노트북마다 실행 시간과 최대 메모리를 잽니다 (측정, 테스트 아님)"
	@echo "make execute    노트북을 다시 실행해 저장된 출력을 새로 씁니다 (저자용)"
	@echo "make checkpoints 7-8장의 작은 체크포인트를 seqlab/checkpoints에 처음부터 다시 학습합니다 (CPU)"
	@echo "make bench-grading  학생 40명 분량을 만들어 채점 속도와 제출물당 CPU 초를 잽니다 (작업자 1개, 2개)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, got " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --quiet -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# seqlab-grade runs student code only inside bubblewrap. On a fresh Debian/Ubuntu machine, as
# root, this installs it; otherwise it says what to do (the grading tests are then skipped).
sandbox:
	@if command -v bwrap >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	else \
	  echo "bubblewrap(bwrap)가 없습니다. 'sudo apt-get install bubblewrap' 후 다시 실행하세요."; \
	  echo "(없으면 채점 테스트는 건너뜁니다. book/instructors.md의 '샌드박스가 없을 때' 참고)"; \
	fi

exercises: $(STAMP)
	$(BIN)/seqlab-assign

# The site is what students can read: it is scanned for every solution and hidden-test line of
# every master (pages, student notebooks, the seqlab wheel in dist/), and any hit fails the build.
site: exercises
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going
	$(BIN)/python -m seqlab.tools.publish check _build/html
	@echo "사이트: _build/html/index.html"

# Pushes exactly _build/html (checked again) to the public repository's site branch.
publish: site
	$(BIN)/python -m seqlab.tools.publish push

# tests/test_browser.py drives Debian's headless Chromium with Korean fonts: installed here when
# missing (as root, as on CI); otherwise the exact command is printed and make stops. Its
# accessibility audit is axe-core, pinned, from npm into the git-ignored tests/.axe (nothing is
# fetched while the tests run).
AXE_CORE := 4.14.1
AXE_JS   := tests/.axe/node_modules/axe-core/axe.min.js
browser:
	@dpkg -s chromium fonts-nanum >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-nanum; \
	  else \
	    echo "브라우저 테스트에 필요합니다: sudo apt-get update && sudo apt-get install -y chromium fonts-nanum" >&2; exit 1; \
	  fi; }
	@grep -qs '"version": "$(AXE_CORE)"' tests/.axe/node_modules/axe-core/package.json && test -s $(AXE_JS) || { \
	  command -v npm >/dev/null 2>&1 || { \
	    if [ "$$(id -u)" = 0 ]; then \
	      apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm; \
	    else \
	      echo "접근성 검사(axe-core)에 npm이 필요합니다: sudo apt-get install -y npm" >&2; exit 1; \
	    fi; }; \
	  npm install --prefix tests/.axe --no-save --no-audit --no-fund axe-core@$(AXE_CORE); }

test: $(STAMP) browser sandbox
	$(BIN)/python -m pytest

# unit tests only: no notebook is executed, no exercise is built, nothing is graded
test-fast: $(STAMP)
	$(BIN)/python -m pytest -o addopts="-p no:cacheprovider" -m "not slow" tests

bench: $(STAMP)
	$(BIN)/seqlab-bench

bench-grading: exercises sandbox
	$(BIN)/python -m tests.bench_grading --class-size 40

checkpoints: $(STAMP)
	$(BIN)/python -m seqlab.reading

execute: $(STAMP)
	$(BIN)/seqlab-bench --inplace

clean:
	rm -rf _build book/exercises
