"""Fork server for the CPython oracle (wkdiff.py's long mode, --server).

Run as `python3 oracle_server.py` with the oracle interpreter. Reads framed
scripts from stdin ("<nbytes>\\n" then the script) and runs each in a
fork()ed child exactly as `python3 -` would run it: as a fresh `__main__`
module, an uncaught exception goes to sys.excepthook and makes the exit
status 1. The child then exits as the interpreter's normal exit begins
(Py_FinalizeEx: join threads - there are none -, run the atexit handlers,
i.e. weakref.finalize's exit pass and then the PRELUDE's handler that
silences the trace, flush stdout/stderr) and skips the module teardown that
follows: every script is silent by then, and the teardown costs ~8 ms per
program, most of what is left once the start-up is saved. Answers "<status> <outbytes> <errbytes>\\n" then the
child's stdout and stderr; status is the exit code, or minus the signal
number (as subprocess reports it). Saves the interpreter start-up (most of
the cost of one program) without sharing any state between programs: each
child starts from the same pristine server process.
"""
import gc
import os
import sys
import types

# What the emitted scripts import: imported once here, so a child finds them
# in sys.modules (importing has no observable effect on the trace).
import atexit
import weakref  # noqa: F401


def _child(src, fout, ferr):
    os.dup2(fout, 1)
    os.dup2(ferr, 2)
    os.close(fout)
    os.close(ferr)
    import signal
    signal.alarm(30)  # a hang kills the child: status -SIGALRM
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = __builtins__
    sys.modules["__main__"] = main
    code = 0
    try:
        exec(compile(src, "<stdin>", "exec"), main.__dict__)
    except SystemExit as e:  # as the interpreter treats it at top level
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    atexit._run_exitfuncs()  # what Py_FinalizeEx runs first (same C function: atexit_callfuncs)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _read_all(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        b = os.read(fd, 1 << 16)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def serve():
    inp, outp = sys.stdin.buffer, sys.stdout.buffer
    fout = os.memfd_create("oracle-out")
    ferr = os.memfd_create("oracle-err")
    gc.collect()
    gc.freeze()  # the server's own objects: children start with an empty young generation
    while True:
        hdr = inp.readline()
        if not hdr:
            return 0
        src = inp.read(int(hdr)).decode()
        for fd in (fout, ferr):  # empty and rewind (the child's descriptors share the offset)
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(src, fout, ferr)  # never returns
        _, st = os.waitpid(pid, 0)
        status = os.waitstatus_to_exitcode(st)
        o, e = _read_all(fout), _read_all(ferr)
        outp.write(b"%d %d %d\n" % (status, len(o), len(e)))
        outp.write(o)
        outp.write(e)
        outp.flush()


if __name__ == "__main__":
    sys.exit(serve())
