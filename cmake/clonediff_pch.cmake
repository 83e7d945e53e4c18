# Precompiled headers, shared: every target's sources start from one of two
# precompiled headers instead of parsing the standard library (and
# GoogleTest) again in each batch. The test programs (clonediff_test())
# reuse clonediff_pch_tests' (GoogleTest and the standard headers, with the
# test programs' flags); every other C++ target reuses clonediff_pch's (the
# standard headers). A clean build (Ninja, 2 CPUs) took 98 s instead of 115 s
# (194 s of CPU instead of 227 s), the sanitizer tree 80 s instead of 91 s.
#
# A precompiled header is used only where the compile flags match the ones it
# was built with; gcc refuses one that does not (-Winvalid-pch, an error
# here). A source with flags of its own (the code that runs after clone,
# -fno-exceptions) says SKIP_PRECOMPILE_HEADERS. CLONEDIFF_PCH=OFF builds
# without, which also shows a source that forgot an include.
option(CLONEDIFF_PCH "Shared precompiled headers for every target" ON)
if(NOT CLONEDIFF_PCH)
  return()
endif()

set(clonediff_pch_headers <algorithm> <array> <chrono> <cstdint> <cstdio> <cstring> <functional> <map> <memory>
    <optional> <set> <span> <string> <string_view> <utility> <vector>)
# The one source the precompiled headers are made with (its object is unused;
# written only when its text changes, so that a new configure rebuilds nothing).
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/clonediff_pch.cpp CONTENT "// the shared precompiled headers' own source\n")

add_library(clonediff_pch OBJECT ${CMAKE_BINARY_DIR}/clonediff_pch.cpp)
target_link_libraries(clonediff_pch PRIVATE clonediff_warnings)
target_precompile_headers(clonediff_pch PRIVATE ${clonediff_pch_headers})

add_library(clonediff_pch_tests OBJECT ${CMAKE_BINARY_DIR}/clonediff_pch.cpp)
target_link_libraries(clonediff_pch_tests PRIVATE clonediff_warnings GTest::gtest)
clonediff_test_program_flags(clonediff_pch_tests)
target_precompile_headers(clonediff_pch_tests PRIVATE <gtest/gtest.h> ${clonediff_pch_headers})

# Every target defined under `dir`, its subdirectories' too.
function(clonediff_targets_under dir out)
  get_property(found DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirectories DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirectories)
    clonediff_targets_under(${sub} more)
    list(APPEND found ${more})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

clonediff_targets_under(${PROJECT_SOURCE_DIR} targets)
get_property(test_programs GLOBAL PROPERTY CLONEDIFF_TEST_PROGRAMS)
foreach(target IN LISTS targets)
  get_target_property(type ${target} TYPE)
  if(target MATCHES "^clonediff_pch" OR NOT type MATCHES "^(STATIC_LIBRARY|EXECUTABLE|OBJECT_LIBRARY)$")
    continue()
  endif()
  if(target IN_LIST test_programs)
    target_precompile_headers(${target} REUSE_FROM clonediff_pch_tests)
  else()
    target_precompile_headers(${target} REUSE_FROM clonediff_pch)
  endif()
endforeach()
