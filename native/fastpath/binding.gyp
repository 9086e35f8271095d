{
  "targets": [
    {
      "target_name": "fastpath",
      "sources": ["fastpath.c"],
      "cflags": ["-Wall", "-Wextra", "-O2", "-Wno-deprecated-declarations"]
    }
  ]
}
