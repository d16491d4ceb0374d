# CMake generated Testfile for 
# Source directory: /work/main
# Build directory: /work/main/build/dev
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("tests/support")
subdirs("src/base")
subdirs("src/pk")
subdirs("src/pk_json")
subdirs("src/cli")
subdirs("tests")
subdirs("bench")
