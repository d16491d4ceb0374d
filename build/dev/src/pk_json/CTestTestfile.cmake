# CMake generated Testfile for 
# Source directory: /work/main/src/pk_json
# Build directory: /work/main/build/dev/src/pk_json
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
