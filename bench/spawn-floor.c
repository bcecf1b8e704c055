/* The least any hook runner can do for one command: start (a static
   program, so no dynamic loading), run the command's program once with
   its arguments, found through PATH, and wait for it. bench/hooks.sh
   has it run `sh -c "true 'FILE'"`, as keel does, beside keel and
   lefthook, to show the process floor of this machine.
   Usage: spawn-floor PROGRAM [ARG...] */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: spawn-floor PROGRAM [ARG...]\n");
        return 2;
    }
    pid_t pid = vfork();
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    if (pid < 0) return 125;
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return 125;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
