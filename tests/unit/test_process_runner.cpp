#include <doctest/doctest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "process/process.hpp"
#include "support.hpp"

using namespace std::chrono_literals;
using keel::process::Command;
using keel::process::Input;
using keel::process::Outcome;
using keel::process::Output;
using keel::test::TempDir;

namespace {

// A shell script with both streams captured.
Command script(const std::string& text) {
  Command c = Command::shell_script(text);
  c.out = Output::capture();
  c.err = Output::capture();
  return c;
}

pid_t first_pid(const std::string& output) { return static_cast<pid_t>(std::stol(output)); }

char process_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? '\0' : stat[paren + 2];
}

// Dead, or a zombie waiting for init to reap it: an orphan that was killed
// is reparented, and whether init reaps it promptly is not keel's business.
bool is_gone(pid_t pid) {
  for (int i = 0; i < 200; ++i) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    if (process_state(pid) == 'Z') return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

bool has_no_children() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

std::filesystem::path write_executable(const TempDir& dir, const std::string& rel, const std::string& content,
                                       unsigned mode = 0755) {
  auto path = dir.write(rel, content);
  ::chmod(path.c_str(), mode);
  return path;
}

}  // namespace

TEST_CASE("run reports exit codes") {
  CHECK(keel::process::run(Command::program({"true"})).ok());
  Outcome failed = keel::process::run(Command::program({"false"}));
  CHECK(failed.exit_code == 1);
  CHECK_FALSE(failed.ok());
  Outcome three = keel::process::run(script("exit 3"));
  CHECK(three.exit_code == 3);
  CHECK(three.signal == 0);
  CHECK_FALSE(three.start_error);
}

TEST_CASE("run reports the signal that ended the child") {
  Outcome o = keel::process::run(script("kill -TERM $$"));
  CHECK(o.signal == SIGTERM);
  CHECK(o.exit_code == 128 + SIGTERM);
  CHECK_FALSE(o.timed_out);
  CHECK_FALSE(o.ok());
}

TEST_CASE("run takes the shell as a parameter") {
  Outcome o = keel::process::run([] {
    Command c = Command::shell_script("echo ${BASH_VERSION:+bash} \"$0\" \"$1\"", {"bash", "-c"});
    c.argv.push_back("zero");
    c.argv.push_back("one");
    c.out = Output::capture();
    return c;
  }());
  CHECK(o.out == "bash zero one\n");
}

TEST_CASE("run captures more than a pipe holds on both streams") {
  const std::size_t size = 1536 * 1024;
  const std::string n = std::to_string(size);
  auto check = [&](const std::string& text) {
    Outcome o = keel::process::run(script(text));
    REQUIRE(o.exit_code == 0);
    CHECK(o.out.size() == size);
    CHECK(o.err.size() == size);
    CHECK(std::count(o.out.begin(), o.out.end(), 'o') == static_cast<long>(size));
    CHECK(std::count(o.err.begin(), o.err.end(), 'e') == static_cast<long>(size));
  };
  SUBCASE("at once") {
    check("head -c " + n + " /dev/zero | tr '\\0' o & head -c " + n + " /dev/zero | tr '\\0' e >&2; wait");
  }
  SUBCASE("stderr first") {
    check("head -c " + n + " /dev/zero | tr '\\0' e >&2; head -c " + n + " /dev/zero | tr '\\0' o");
  }
}

TEST_CASE("run merges stderr into stdout in the order written") {
  Command c = script("echo 1; echo 2 >&2; echo 3; echo 4 >&2; printf 5 >&2");
  c.err = Output::to_stdout();
  Outcome o = keel::process::run(c);
  CHECK(o.out == "1\n2\n3\n4\n5");
  CHECK(o.err.empty());
}

TEST_CASE("run refuses to send stdout to itself") {
  Command c = Command::program({"true"});
  c.out = Output::to_stdout();
  Outcome o = keel::process::run(c);
  CHECK(o.exit_code == 125);
  REQUIRE(o.start_error);
  CHECK(o.start_error->message == "cannot send stdout to itself: 'true'");
}

TEST_CASE("run streams output as it arrives") {
  TempDir dir;
  auto flag = dir / "flag";
  // The child writes "b" only after the handler has seen "a".
  Command c = Command::shell_script("printf a; while [ ! -e '" + flag.string() + "' ]; do sleep 0.01; done; printf b");
  c.timeout = 5s;
  std::vector<std::string> chunks;
  c.out = Output::stream([&](std::string_view chunk) {
    chunks.emplace_back(chunk);
    if (chunk == "a") std::ofstream(flag) << "";
  });
  Outcome o = keel::process::run(c);
  CHECK_FALSE(o.timed_out);
  CHECK(chunks == std::vector<std::string>{"a", "b"});
  CHECK(o.out.empty());
}

TEST_CASE("run feeds stdin") {
  SUBCASE("given bytes, larger than a pipe, while the output is read") {
    std::string data;
    for (int i = 0; data.size() < 2 * 1024 * 1024; ++i) data += std::to_string(i) + '\n';
    Command c = Command::program({"cat"});
    c.in = Input::data(data);
    c.out = Output::capture();
    Outcome o = keel::process::run(c);
    CHECK(o.exit_code == 0);
    CHECK(o.out == data);
  }
  SUBCASE("a child that stops reading does not hurt keel") {
    Command c = Command::program({"head", "-c", "10"});
    c.in = Input::data(std::string(1024 * 1024, 'x'));
    c.out = Output::capture();
    Outcome o = keel::process::run(c);
    CHECK(o.exit_code == 0);
    CHECK(o.out == std::string(10, 'x'));
  }
  SUBCASE("/dev/null by default") {
    Command c = Command::program({"readlink", "/proc/self/fd/0"});
    c.out = Output::capture();
    CHECK(keel::process::run(c).out == "/dev/null\n");
  }
}

// With keel's own stdin closed, the stdin pipe's read end is descriptor 0
// itself, which the child must keep open across exec.
TEST_CASE("run feeds stdin when keel's own stdin is closed") {
  int saved = ::dup(STDIN_FILENO);
  REQUIRE(saved >= 0);
  ::close(STDIN_FILENO);
  Command c = Command::program({"cat"});
  c.in = Input::data("through fd 0\n");
  c.out = Output::capture();
  Outcome o = keel::process::run(c);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  CHECK(o.exit_code == 0);
  CHECK(o.out == "through fd 0\n");
}

TEST_CASE("run starts the child with no blocked signals and SIGPIPE at its default") {
  keel::process::install_signal_forwarding();
  sigset_t blocked, old;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR1);
  sigaddset(&blocked, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &blocked, &old);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  // SigBlk and SigIgn as the child sees them, in hex masks.
  Command c = Command::program({"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"});
  c.out = Output::capture();
  Outcome o = keel::process::run(c);
  ::sigaction(SIGPIPE, &previous, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  REQUIRE(o.exit_code == 0);
  auto mask = [&](const std::string& name) {
    auto at = o.out.find(name + ":\t");
    REQUIRE(at != std::string::npos);
    return std::stoull(o.out.substr(at + name.size() + 2, 16), nullptr, 16);
  };
  auto bit = [](int sig) { return 1ull << (sig - 1); };
  CHECK(mask("SigBlk") == 0);
  CHECK((mask("SigIgn") & bit(SIGPIPE)) == 0);
}

TEST_CASE("run sets the environment") {
  ::setenv("KEEL_TEST_DROP", "drop", 1);
  ::setenv("KEEL_TEST_KEEP", "keep", 1);
  SUBCASE("overrides and removals") {
    Command c = script("printf '%s|%s|%s' \"${KEEL_TEST_DROP-unset}\" \"$KEEL_TEST_KEEP\" \"$KEEL_TEST_NEW\"");
    c.env.unset = {"KEEL_TEST_DROP"};
    c.env.set = {{"KEEL_TEST_NEW", "new"}, {"KEEL_TEST_KEEP", "changed"}};
    CHECK(keel::process::run(c).out == "unset|changed|new");
  }
  SUBCASE("full replacement, with execvp's default PATH") {
    Command c = Command::program({"env"});
    c.env.inherit = false;
    c.env.set = {{"ONLY", "1"}};
    c.out = Output::capture();
    CHECK(keel::process::run(c).out == "ONLY=1\n");
  }
  ::unsetenv("KEEL_TEST_DROP");
  ::unsetenv("KEEL_TEST_KEEP");
}

TEST_CASE("run looks argv[0] up in the child's PATH") {
  TempDir dir;
  write_executable(dir, "bin/keel-test-tool", "#!/bin/sh\necho tool\n");
  Command c = Command::program({"keel-test-tool"});
  c.out = Output::capture();
  SUBCASE("absolute entry") { c.env.set = {{"PATH", (dir / "bin").string()}}; }
  SUBCASE("entry relative to cwd") {
    c.env.set = {{"PATH", "/nonexistent:bin"}};
    c.cwd = dir.path();
  }
  Outcome o = keel::process::run(c);
  CHECK(o.exit_code == 0);
  CHECK(o.out == "tool\n");
}

TEST_CASE("run changes to cwd") {
  TempDir dir;
  Command c = Command::program({"pwd"});
  c.out = Output::capture();
  c.cwd = dir.path();
  CHECK(keel::process::run(c).out == dir.path().string() + "\n");

  SUBCASE("a relative argv[0] is relative to cwd") {
    write_executable(dir, "tool", "#!/bin/sh\necho here\n");
    c.argv = {"./tool"};
    CHECK(keel::process::run(c).out == "here\n");
  }
  SUBCASE("a missing cwd is a start error") {
    c.cwd = dir / "nope";
    Outcome o = keel::process::run(c);
    CHECK(o.exit_code == 125);
    REQUIRE(o.start_error);
    CHECK(o.start_error->message ==
          "cannot change to directory '" + (dir / "nope").string() + "': no such file or directory");
  }
}

TEST_CASE("run reports a command that cannot be started") {
  TempDir dir;
  SUBCASE("not in PATH") {
    Outcome o = keel::process::run(Command::program({"keel-no-such-command"}));
    CHECK(o.exit_code == 127);
    REQUIRE(o.start_error);
    CHECK(o.start_error->message == "command not found: 'keel-no-such-command'");
    CHECK(o.start_error->hint.find("PATH (") != std::string::npos);
    CHECK(o.out.empty());
  }
  SUBCASE("a missing path") {
    Command c = Command::program({"./missing"});
    c.cwd = dir.path();
    Outcome o = keel::process::run(c);
    CHECK(o.exit_code == 127);
    REQUIRE(o.start_error);
    CHECK(o.start_error->message == "command not found: './missing'");
  }
  SUBCASE("not executable, by path") {
    auto path = write_executable(dir, "tool", "#!/bin/sh\n", 0644);
    Outcome o = keel::process::run(Command::program({path.string()}));
    CHECK(o.exit_code == 126);
    REQUIRE(o.start_error);
    CHECK(o.start_error->message == "permission denied: '" + path.string() + "'");
  }
  SUBCASE("not executable, found in PATH") {
    auto path = write_executable(dir, "tool", "#!/bin/sh\n", 0644);
    Command c = Command::program({"tool"});
    c.env.set = {{"PATH", dir.path().string()}};
    Outcome o = keel::process::run(c);
    CHECK(o.exit_code == 126);
    REQUIRE(o.start_error);
    CHECK(o.start_error->message == "permission denied: '" + path.string() + "'");
  }
  SUBCASE("a missing interpreter") {
    auto path = write_executable(dir, "tool", "#!/nonexistent/interpreter\n");
    Outcome o = keel::process::run(Command::program({path.string()}));
    CHECK(o.exit_code == 126);
    REQUIRE(o.start_error);
    CHECK(o.start_error->message == "bad interpreter: '" + path.string() + "'");
  }
  SUBCASE("not a program") {
    auto path = write_executable(dir, "tool", "echo no shebang\n");
    Outcome o = keel::process::run(Command::program({path.string()}));
    CHECK(o.exit_code == 126);
    REQUIRE(o.start_error);
    CHECK(o.start_error->message == "cannot run '" + path.string() + "': exec format error");
  }
  CHECK(has_no_children());
}

TEST_CASE("run kills a command that times out, with its whole group") {
  Command c = script("sleep 100 & echo $!; wait");
  c.timeout = 200ms;
  c.grace_period = 200ms;
  Outcome o = keel::process::run(c);
  CHECK(o.timed_out);
  CHECK(o.signal == SIGTERM);
  CHECK(is_gone(first_pid(o.out)));
}

TEST_CASE("run kills a command that ignores SIGTERM after the grace period") {
  // The trap shows that SIGTERM came first; the signal that ended it, that
  // SIGKILL followed.
  Command c = script("trap 'echo got-term' TERM; sleep 100 & echo $!; while :; do sleep 0.05; done");
  c.timeout = 300ms;
  c.grace_period = 200ms;
  Outcome o = keel::process::run(c);
  CHECK(o.timed_out);
  CHECK(o.signal == SIGKILL);
  CHECK(o.out.find("got-term\n") != std::string::npos);
  CHECK(is_gone(first_pid(o.out)));
}

TEST_CASE("run stops what a finished leader left running") {
  SUBCASE("a background job holding the output pipe") {
    Outcome o = keel::process::run(script("sleep 100 & echo $!"));
    CHECK(o.exit_code == 0);
    CHECK(is_gone(first_pid(o.out)));
  }
  SUBCASE("one that ignores SIGTERM") {
    Command c = script("trap '' TERM; sleep 100 & echo $!");
    c.grace_period = 200ms;
    Outcome o = keel::process::run(c);
    CHECK(o.exit_code == 0);
    CHECK(is_gone(first_pid(o.out)));
  }
  SUBCASE("one that holds no pipe") {
    Outcome o = keel::process::run(script("trap '' TERM; sleep 100 >/dev/null 2>&1 & echo $!"));
    CHECK(is_gone(first_pid(o.out)));
  }
  SUBCASE("but not one that left the group") {
    Command c = script("setsid sleep 100 & echo $!");
    c.grace_period = 200ms;
    Outcome o = keel::process::run(c);
    CHECK(o.exit_code == 0);
    pid_t escaped = first_pid(o.out);
    CHECK(::kill(escaped, 0) == 0);
    ::kill(escaped, SIGKILL);
  }
}

TEST_CASE("run forwards SIGINT and SIGTERM to the running group") {
  keel::process::install_signal_forwarding();
  bool raised = false;
  std::string seen;
  auto raise_when_ready = [&](int sig) {
    return [&, sig](std::string_view chunk) {
      seen += chunk;
      if (!raised && seen.find("ready") != std::string::npos) {
        raised = true;
        ::raise(sig);
      }
    };
  };
  Command c = Command::shell_script("trap 'echo got-int; exit 3' INT; echo ready; while :; do sleep 0.02; done");
  c.timeout = 5s;
  c.grace_period = 200ms;

  SUBCASE("a child that handles the signal") {
    c.out = Output::stream(raise_when_ready(SIGINT));
    Outcome o = keel::process::run(c);
    CHECK(o.interrupted);
    CHECK_FALSE(o.timed_out);
    CHECK(o.exit_code == 3);
    CHECK(seen == "ready\ngot-int\n");
    CHECK(keel::process::interrupted());

    // Nothing new starts once keel is interrupted.
    Outcome refused = keel::process::run(Command::program({"true"}));
    CHECK(refused.interrupted);
    CHECK(refused.exit_code == 130);
    REQUIRE(refused.start_error);
    CHECK(refused.start_error->message == "interrupted before start: 'true'");
  }
  SUBCASE("a child that ignores it is killed after the grace period") {
    c.argv.back() = "trap '' TERM; echo ready; while :; do sleep 0.02; done";
    c.out = Output::stream(raise_when_ready(SIGTERM));
    Outcome o = keel::process::run(c);
    CHECK(o.interrupted);
    CHECK(o.signal == SIGKILL);
  }
  keel::process::clear_interrupted();
  CHECK_FALSE(keel::process::interrupted());
  CHECK(keel::process::run(Command::program({"true"})).ok());
}

TEST_CASE("run_parallel runs commands at once and reports them as they finish") {
  // b waits until a and c have started, c until b is reaped, a until c is
  // reaped (a process that keel has not reaped yet still answers kill -0):
  // they finish only if all run at once, and in the order b, c, a.
  TempDir dir;
  std::string d = dir.path().string() + "/";
  auto started = [&](const std::string& name) { return "echo $$ > '" + d + name + ".pid'; "; };
  auto wait_started = [&](const std::string& name) {
    return "while [ ! -s '" + d + name + ".pid' ]; do sleep 0.01; done; ";
  };
  auto wait_reaped = [&](const std::string& name) {
    return wait_started(name) + "while kill -0 $(cat '" + d + name + ".pid') 2>/dev/null; do sleep 0.01; done; ";
  };
  std::vector<Command> commands{
      script(started("a") + wait_reaped("c") + "echo a"),
      script(started("b") + wait_started("a") + wait_started("c") + "echo b"),
      script(started("c") + wait_reaped("b") + "echo c"),
  };
  std::vector<std::size_t> order;
  auto outcomes = keel::process::run_parallel(commands, 3, [&](std::size_t i, const Outcome& o) {
    order.push_back(i);
    CHECK(o.exit_code == 0);
  });
  CHECK(order == std::vector<std::size_t>{1, 2, 0});
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0].out == "a\n");
  CHECK(outcomes[1].out == "b\n");
  CHECK(outcomes[2].out == "c\n");
}

TEST_CASE("run_parallel starts no more than `jobs` commands at once") {
  std::vector<Command> commands{script("sleep 0.1"), script("true")};
  std::vector<std::size_t> order;
  keel::process::run_parallel(commands, 1, [&](std::size_t i, const Outcome&) { order.push_back(i); });
  CHECK(order == std::vector<std::size_t>{0, 1});
}

TEST_CASE("run kills and reaps the child when an output handler throws") {
  Command c = Command::shell_script("echo x; sleep 100");
  c.out = Output::stream([](std::string_view) { throw std::runtime_error("handler failed"); });
  CHECK_THROWS_WITH(keel::process::run(c), "handler failed");
  CHECK(has_no_children());
}

TEST_CASE("run leaves no zombies") {
  CHECK(keel::process::run(script("exit 1")).exit_code == 1);
  CHECK(keel::process::run(script("kill -KILL $$")).signal == SIGKILL);
  CHECK(keel::process::run(script("sleep 1 & exit 0")).exit_code == 0);
  CHECK(keel::process::run(Command::program({"./keel-missing"})).exit_code == 127);
  Command slow = script("sleep 10");
  slow.timeout = 50ms;
  slow.grace_period = 100ms;
  CHECK(keel::process::run(slow).timed_out);
  CHECK(has_no_children());
}

TEST_CASE("run keeps a foreground child in keel's process group, others in their own") {
  // Field 5 of /proc/PID/stat is the process group ("sh" has no spaces in its name).
  Command cmd = Command::shell_script("cut -d' ' -f5 /proc/$$/stat; echo $$");
  cmd.out = Output::capture();
  Outcome own = keel::process::run(cmd);
  REQUIRE(own.ok());
  auto lines = [](const std::string& s) {
    std::size_t nl = s.find('\n');
    return std::pair{std::stol(s.substr(0, nl)), std::stol(s.substr(nl + 1))};
  };
  auto [own_group, own_pid] = lines(own.out);
  CHECK(own_group == own_pid);
  CHECK(own_group != ::getpgrp());
  cmd.foreground = true;
  Outcome fg = keel::process::run(cmd);
  REQUIRE(fg.ok());
  CHECK(lines(fg.out).first == ::getpgrp());
}

TEST_CASE("run stops a foreground child at its timeout without signalling keel's group") {
  Command cmd = Command::shell_script("sleep 30");
  cmd.foreground = true;
  cmd.timeout = 200ms;
  cmd.grace_period = 200ms;
  Outcome o = keel::process::run(cmd);
  CHECK(o.timed_out);
  CHECK(o.signal == SIGTERM);
}
