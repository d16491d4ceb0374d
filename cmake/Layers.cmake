# The layers of KetaClinic, lowest first. A module may include headers only from the modules
# listed before it that it declares as dependencies (kc_module DEPENDS). The check runs at
# configure time over every source file, so an upward or undeclared include fails the build
# before anything compiles. Tests: tests/layers_test.cmake proves the check rejects one.
set(KC_LAYERS base pk pk_json cli)

# kc_check_module_includes(NAME DIR ALLOWED...)
# Fails configuration if a file under DIR includes "<module>/..." for a project module that is
# neither NAME nor in ALLOWED.
function(kc_check_module_includes name dir)
  set(allowed ${name} ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${dir}/*.h" "${dir}/*.cc")
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/.*" "\\1" target_module "${line}")
      if(target_module IN_LIST KC_LAYERS AND NOT target_module IN_LIST allowed)
        message(FATAL_ERROR
          "Layering violation: ${source} (module '${name}') includes '${target_module}/', "
          "which is not among its declared dependencies (${ARGN}). Dependencies point down "
          "only: ${KC_LAYERS}.")
      endif()
    endforeach()
  endforeach()
endfunction()

# kc_module(NAME SOURCES... DEPENDS modules... LIBS third-party targets...)
# Declares library ketaclinic_NAME from src/NAME, checks its includes, and links its
# declared project dependencies, which must sit below it in KC_LAYERS.
function(kc_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LIBS" ${ARGN})
  list(FIND KC_LAYERS ${name} own_index)
  if(own_index EQUAL -1)
    message(FATAL_ERROR "Module '${name}' is not listed in KC_LAYERS (cmake/Layers.cmake)")
  endif()
  foreach(dep IN LISTS ARG_DEPENDS)
    list(FIND KC_LAYERS ${dep} dep_index)
    if(dep_index EQUAL -1 OR NOT dep_index LESS own_index)
      message(FATAL_ERROR "Module '${name}' may not depend on '${dep}': not below it in ${KC_LAYERS}")
    endif()
  endforeach()
  kc_check_module_includes(${name} "${CMAKE_CURRENT_SOURCE_DIR}" ${ARG_DEPENDS})
  add_library(ketaclinic_${name} STATIC ${ARG_SOURCES})
  target_include_directories(ketaclinic_${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  set(dep_targets)
  foreach(dep IN LISTS ARG_DEPENDS)
    list(APPEND dep_targets ketaclinic_${dep})
  endforeach()
  target_link_libraries(ketaclinic_${name} PUBLIC ${dep_targets} ${ARG_LIBS})
endfunction()

# kc_module_tests(NAME SOURCES... LIBS...)
# One GoogleTest binary per module (ketaclinic_NAME_tests), from tests beside the code.
function(kc_module_tests name)
  if(NOT KC_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(ketaclinic_${name}_tests ${ARG_SOURCES})
  target_link_libraries(ketaclinic_${name}_tests PRIVATE ketaclinic_${name} ${ARG_LIBS}
                        GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(ketaclinic_${name}_tests DISCOVERY_TIMEOUT 60)
endfunction()
