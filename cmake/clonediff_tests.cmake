# How every ctest test is labelled, bounded and kept apart (`ctest -L unit`,
# `ctest -j2`):
#   unit    no root, no live call, no outer target: about a second for all
#   live    makes real clone calls on this host (root)
#   target  boots or starts another kernel, gVisor or qemu-user
# Every test has a TIMEOUT. A live or target test holds a lock of its own, so
# live tests may overlap one another, and host_unchanged_tests, which compares
# the host's state before and after its run, holds all of them
# (clonediff_lock_out_host_touching_tests()): nothing else touches the host
# while it looks. The long tests give their COST (the seconds each took on a
# 2-CPU machine), so that `ctest -j` starts them first where it has no cost
# data of its own (a fresh checkout, as in CI): started last, kill_safety_tests
# ran alone for most of its 51 s.
#
# clonediff_test(<name> <label> <timeout seconds> [<more test properties>...])
function(clonediff_test name label timeout)
  if(NOT label MATCHES "^(unit|live|target)$")
    message(FATAL_ERROR "clonediff_test(${name}): label '${label}' is none of unit, live, target")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT ${timeout} ${ARGN})
  # (The optimised build compiles everything, test programs and the libraries
  # they test, with line tables and function names only: -g1, in the preset.
  # Full debug information cost a third of the compile time: model_tests'
  # first batch took 22.3 s at -O2 -g and 14.0 s at -O2 -g1. The debug
  # preset keeps -g.)
  # The optimised tree compiles the test programs' own sources at -Og
  # (CLONEDIFF_TEST_PROGRAM_FLAGS in the default preset); the libraries and
  # programs they test keep -O2. On a 2-CPU machine a clean build took 172 s
  # instead of 227 s (Ninja, no cache), and the unit suites ran as fast
  # (explore_tests 6.5 s against 6.8 s). At -O0 it took 181 s, but the unit
  # suites 22 s instead of 7 s: an inline function both compile keeps one
  # copy at link time, often the test program's.
  # The sanitizer tree compiles the test programs' own sources at -O0
  # (CLONEDIFF_TEST_PROGRAM_FLAGS in the asan preset): what they test, the
  # libraries and the fuzz targets, keep its -O1, so the suites check the
  # same code; the tree's build took 137 s instead of 164 s, the suites 25.9 s
  # instead of 22.6 s.
  if(TARGET ${name})
    clonediff_test_program_flags(${name})
    set_property(GLOBAL APPEND PROPERTY CLONEDIFF_TEST_PROGRAMS ${name})  # clonediff_pch.cmake
  endif()
  if(NOT label STREQUAL "unit")
    set_property(TEST ${name} APPEND PROPERTY RESOURCE_LOCK "host:${name}")
    set_property(GLOBAL APPEND PROPERTY CLONEDIFF_HOST_TOUCHING_TESTS ${name})
  endif()
endfunction()

# Gives a test program's own sources CLONEDIFF_TEST_PROGRAM_FLAGS.
function(clonediff_test_program_flags target)
  if(CLONEDIFF_TEST_PROGRAM_FLAGS)
    separate_arguments(flags UNIX_COMMAND "${CLONEDIFF_TEST_PROGRAM_FLAGS}")
    target_compile_options(${target} PRIVATE ${flags})
  endif()
endfunction()

# Gives `name` every live and target test's lock declared so far.
function(clonediff_lock_out_host_touching_tests name)
  get_property(tests GLOBAL PROPERTY CLONEDIFF_HOST_TOUCHING_TESTS)
  foreach(t IN LISTS tests)
    if(NOT t STREQUAL name)
      set_property(TEST ${name} APPEND PROPERTY RESOURCE_LOCK "host:${t}")
    endif()
  endforeach()
endfunction()
