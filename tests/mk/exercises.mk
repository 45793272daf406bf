# The exercises at the end of the chapters in docs/ (docs/README.md#exercises).
#
#   make check-exercise N=<name>             checks your solution (modules/<name>/ or kernel/)
#   make check-exercise N=<name> SOLUTION=1  checks the reference solution instead
#                                            (docs/exercises/solutions/<name>/, built in a
#                                            copy of the tree under $(BUILD)/exercises/)
#   make check-exercise                      lists the exercises
#
# Each exercise's checker is tests/exercises/check_<name>.py (pytest; not collected by
# `make test-qemu`, which runs tests/test_exercises.py: every checker against its solution).

EXERCISES := $(sort $(patsubst tests/exercises/check_%.py,%,$(wildcard tests/exercises/check_*.py)))

.PHONY: check-exercise
check-exercise: deps
	@if [ -z "$(N)" ]; then \
		echo "usage: make check-exercise N=<name> [SOLUTION=1]; exercises: $(EXERCISES)"; \
		exit 2; \
	fi
	@if [ ! -f tests/exercises/check_$(N).py ]; then \
		echo "check-exercise: no exercise '$(N)'; exercises: $(EXERCISES)"; exit 2; \
	fi
	$(Q)KEEL_BUILD=$(BUILD) KEEL_EXERCISE_SOLUTION=$(SOLUTION) $(PYTHON) -m pytest \
	    -p no:cacheprovider -rA tests/exercises/check_$(N).py
