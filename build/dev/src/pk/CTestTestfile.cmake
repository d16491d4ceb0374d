# CMake generated Testfile for 
# Source directory: /work/main/src/pk
# Build directory: /work/main/build/dev/src/pk
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/dev/src/pk/ketaclinic_pk_tests[1]_include.cmake")
