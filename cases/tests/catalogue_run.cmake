# One live run of the whole built-in catalogue, shared by the ctest suites
# that read a whole run's records and reports (cli_tests, report_formats_tests)
# instead of each running it again: ctest's fixture `catalogue_run`.
#   cmake -DCLONEDIFF=<binary> -DOUT=<directory> -P catalogue_run.cmake
# leaves in OUT: run.ktap (stdout), run.stderr (the summary), run.xml (JUnit),
# run.jsonl (the records) and status (the exit status). OUT is emptied first,
# so nothing of an earlier run is read as this one's. It fails unless the run
# finished and judged every case (status 0 or 1); the suites that read it
# check the status and the verdicts themselves.
if(NOT CLONEDIFF OR NOT OUT)
  message(FATAL_ERROR "catalogue_run.cmake: give -DCLONEDIFF=<binary> -DOUT=<directory>")
endif()
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
execute_process(COMMAND "${CLONEDIFF}" run --ktap --junit "${OUT}/run.xml" --json "${OUT}/run.jsonl"
                OUTPUT_FILE "${OUT}/run.ktap" ERROR_FILE "${OUT}/run.stderr" RESULT_VARIABLE status)
file(WRITE "${OUT}/status" "${status}\n")
if(NOT status MATCHES "^[01]$")
  file(READ "${OUT}/run.stderr" err)
  message(FATAL_ERROR "clonediff run ended with '${status}':\n${err}")
endif()
message(STATUS "clonediff run: status ${status}, records in ${OUT}/run.jsonl")
