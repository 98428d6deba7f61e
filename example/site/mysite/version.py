"""The example's own version: the tests commit a change here to tell two builds apart."""
CODE_VERSION = "1"
