# The layers of KetaClinic, lowest first. A module may include headers only from the modules
# listed before it that it declares as dependencies (kc_module DEPENDS). The check runs at
# configure time over every source file, so an upward or undeclared include fails the build
# before anything compiles.
#
# Also a script, so a test can prove the check rejects a bad include:
#   cmake -DMODULE=pk -DDIR=some/dir -DALLOWED=base -P cmake/CheckIncludes.cmake
cmake_policy(VERSION 3.25)
set(KC_LAYERS base json pk pk_json clinical clinical_json store api cli)

# kc_check_module_includes(NAME DIR ALLOWED...)
# Fails if a file under DIR includes "<module>/..." for a project module that is neither NAME
# nor in ALLOWED.
function(kc_check_module_includes name dir)
  set(allowed ${name} ${ARGN})
  if(CMAKE_SCRIPT_MODE_FILE)
    file(GLOB_RECURSE sources "${dir}/*.h" "${dir}/*.cc")
  else()
    # Re-glob on every build, so a new file is checked without re-running cmake by hand.
    file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${dir}/*.h" "${dir}/*.cc")
  endif()
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/.*" "\\1" target_module
                           "${line}")
      if(target_module IN_LIST KC_LAYERS AND NOT target_module IN_LIST allowed)
        message(FATAL_ERROR
          "Layering violation: ${source} (module '${name}') includes '${target_module}/', "
          "which is not among its declared dependencies (${ARGN}). Dependencies point down "
          "only: ${KC_LAYERS}.")
      endif()
    endforeach()
  endforeach()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  string(REPLACE "," ";" allowed_list "${ALLOWED}")
  kc_check_module_includes(${MODULE} "${DIR}" ${allowed_list})
endif()
