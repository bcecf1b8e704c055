#include "git/mirror.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string_view>
#include <vector>

#include "git/detail.hpp"
#include "process/process.hpp"

namespace keel::git {

namespace {

using RepoPtr = Handle<git_repository, git_repository_free>;
using RemotePtr = Handle<git_remote, git_remote_free>;
using BlobPtr = Handle<git_blob, git_blob_free>;

// HTTPS remotes are checked against $SSL_CERT_FILE or $SSL_CERT_DIR when
// set, as keel's other HTTPS clients are, else against the system's CAs.
Status use_certificate_locations() {
  const char* file = std::getenv("SSL_CERT_FILE");
  const char* dir = std::getenv("SSL_CERT_DIR");
  if (file && !*file) file = nullptr;
  if (dir && !*dir) dir = nullptr;
  if (!file && !dir) return ok_status();
  if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, dir) != 0)
    return last_error("cannot use the CA certificates of SSL_CERT_FILE or SSL_CERT_DIR", Exit::io);
  return ok_status();
}

// A user name and password for an HTTPS remote, as git gets them: from the
// user's credential helpers through `git credential`. Never from the
// terminal: a hook may have none, and must not wait for one.
class GitCredentials {
 public:
  static int callback(git_credential** out, const char* url, const char* username_from_url, unsigned int allowed,
                      void* payload) {
    return static_cast<GitCredentials*>(payload)->provide(out, url, username_from_url, allowed);
  }

  // After a fetch: the helpers store what worked, or forget what did not.
  void settle(bool worked) {
    if (m_password.empty()) return;  // the helpers gave nothing
    ask(worked ? "approve" : "reject");
    forget();
  }
  ~GitCredentials() { forget(); }

 private:
  int provide(git_credential** out, const char* url, const char* username_from_url, unsigned int allowed) {
    if (!(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) return GIT_PASSTHROUGH;
    if (m_asked) {  // asked again: the server refused what the helpers gave
      settle(false);
      git_error_set_str(GIT_ERROR_NET, "the server refused the credentials from 'git credential fill'");
      return GIT_EAUTH;
    }
    m_asked = true;
    m_url = url;
    // A line break would let the URL name other attributes (CVE-2020-5260).
    if (m_url.find_first_of("\n\r") != std::string::npos) return none_given();
    m_username = username_from_url ? username_from_url : "";
    process::Outcome filled = ask("fill");
    if (filled.ok()) {
      for (std::string_view line : lines(filled.out)) {
        if (line.starts_with("username=")) m_username = line.substr(9);
        if (line.starts_with("password=")) m_password = line.substr(9);
      }
    }
    wipe(filled.out);
    if (m_password.empty()) return none_given();
    return git_credential_userpass_plaintext_new(out, m_username.c_str(), m_password.c_str());
  }

  static int none_given() {
    git_error_set_str(GIT_ERROR_NET,
                      "the server asks for a user name and password, and 'git credential fill' gave none");
    return GIT_EAUTH;
  }

  process::Outcome ask(const char* action) const {
    std::string request = "url=" + m_url + "\n";
    if (!m_username.empty()) request += "username=" + m_username + "\n";
    if (!m_password.empty()) request += "password=" + m_password + "\n";
    auto command = process::Command::program({"git", "credential", action});
    command.env.set["GIT_TERMINAL_PROMPT"] = "0";
    command.in = process::Input::data(request + "\n");
    command.out = process::Output::capture();
    command.err = process::Output::discard();
    wipe(request);
    process::Outcome outcome = process::run(command);
    wipe(command.in.bytes);
    return outcome;
  }

  static std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
      std::size_t end = text.find('\n');
      out.push_back(text.substr(0, end));
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    return out;
  }

  // keel's own copies of the password are overwritten before they are freed
  // (sodium_memzero: a plain fill before a free may be optimised away).
  static void wipe(std::string& s) {
    sodium_memzero(s.data(), s.size());
    s.clear();
  }
  void forget() {
    wipe(m_username);
    wipe(m_password);
  }

  bool m_asked = false;
  std::string m_url;
  std::string m_username;
  std::string m_password;
};

// Branches and tags under their own names: the copy mirrors the remote.
Status fetch_into(git_repository* repo, const std::string& url) {
  if (auto st = use_certificate_locations(); !st) return st;
  git_remote* raw = nullptr;
  if (git_remote_create_anonymous(&raw, repo, url.c_str()) != 0)
    return last_error("cannot use the remote " + quote(url), Exit::config);
  RemotePtr remote(raw);
  GitCredentials credentials;
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  callbacks.credentials = GitCredentials::callback;
  callbacks.payload = &credentials;
  // A proxy as git finds one: http.proxy, then https_proxy, http_proxy and no_proxy.
  git_proxy_options proxy = GIT_PROXY_OPTIONS_INIT;
  proxy.type = GIT_PROXY_AUTO;
  if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, &proxy, nullptr) != 0) {
    Status failed = last_error("cannot fetch " + quote(url), Exit::failed);
    credentials.settle(false);
    return failed;
  }
  git_buf head = GIT_BUF_INIT;
  bool has_head = git_remote_default_branch(&head, remote.get()) == 0;
  std::string default_branch = has_head ? detail::take(head) : std::string();
  char heads[] = "+refs/heads/*:refs/heads/*";
  char tags[] = "+refs/tags/*:refs/tags/*";
  char* specs[] = {heads, tags};
  git_strarray refspecs{specs, 2};
  git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
  options.proxy_opts = proxy;
  options.callbacks = callbacks;
  if (git_remote_download(remote.get(), &refspecs, &options) != 0 ||
      git_remote_update_tips(remote.get(), &callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_NONE, "keel: fetch") != 0) {
    Status failed = last_error("cannot fetch " + quote(url), Exit::failed);
    credentials.settle(false);
    return failed;
  }
  credentials.settle(true);
  git_remote_disconnect(remote.get());
  if (!default_branch.empty() && git_repository_set_head(repo, default_branch.c_str()) != 0)
    return last_error("cannot fetch " + quote(url), Exit::failed);
  return ok_status();
}

std::string random_suffix() {
  std::random_device random;
  return std::to_string(random()) + std::to_string(::getpid());
}

}  // namespace

Status fetch_mirror(const std::string& url, const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir / "HEAD", ec)) {
    git_repository* raw = nullptr;
    if (git_repository_open_bare(&raw, dir.c_str()) != 0)
      return last_error("cannot open the copy of " + quote(url) + " in " + quote(dir.string()), Exit::io);
    RepoPtr repo(raw);
    return fetch_into(repo.get(), url);
  }
  std::filesystem::create_directories(dir.parent_path(), ec);
  if (ec) return Error{"cannot create " + quote(dir.parent_path().string()) + ": " + ec.message(), {}, Exit::io};
  std::filesystem::path fresh = dir.parent_path() / ("." + dir.filename().string() + ".new-" + random_suffix());
  auto discard = [&] { std::filesystem::remove_all(fresh, ec); };
  git_repository* raw = nullptr;
  if (git_repository_init(&raw, fresh.c_str(), 1) != 0) {
    discard();
    return last_error("cannot create " + quote(fresh.string()), Exit::io);
  }
  RepoPtr repo(raw);
  if (auto st = fetch_into(repo.get(), url); !st) {
    repo.reset();
    discard();
    return st;
  }
  repo.reset();
  if (std::filesystem::exists(dir / "HEAD", ec)) {  // another keel made it meanwhile
    discard();
    return ok_status();
  }
  std::filesystem::rename(fresh, dir, ec);
  if (ec) {
    discard();
    if (std::filesystem::exists(dir / "HEAD")) return ok_status();
    return Error{"cannot move the copy of " + quote(url) + " into " + quote(dir.string()) + ": " + ec.message(), {},
                 Exit::io};
  }
  return ok_status();
}

Result<std::string> mirror_file(const std::filesystem::path& dir, const std::string& ref, const std::string& path,
                                std::size_t max_size) {
  git_repository* raw = nullptr;
  if (git_repository_open_bare(&raw, dir.c_str()) != 0)
    return last_error("cannot open " + quote(dir.string()), Exit::io);
  RepoPtr repo(raw);
  std::vector<std::string> candidates;
  if (ref.empty()) {
    candidates = {"HEAD"};
  } else {
    candidates = {"refs/tags/" + ref, "refs/heads/" + ref};
    if (ref.find_first_not_of("0123456789abcdef") == std::string::npos && ref.size() >= 7) candidates.push_back(ref);
  }
  git_object* commit = nullptr;
  for (const auto& c : candidates)
    if (git_revparse_single(&commit, repo.get(), (c + "^{commit}").c_str()) == 0) break;
  if (!commit)
    return Error{"no tag, branch or commit " + quote(ref.empty() ? std::string("HEAD") : ref) + " in the copy at " +
                     quote(dir.string()),
                 {}, Exit::config};
  detail::ObjectPtr commit_owner(commit);
  git_tree* tree = nullptr;
  if (git_commit_tree(&tree, reinterpret_cast<git_commit*>(commit)) != 0) return last_error("cannot read the tree");
  detail::TreePtr tree_owner(tree);
  git_tree_entry* entry = nullptr;
  if (git_tree_entry_bypath(&entry, tree, path.c_str()) != 0)
    return Error{"no file " + quote(path) + " at " + quote(ref.empty() ? std::string("HEAD") : ref), {}, Exit::config};
  detail::TreeEntryPtr entry_owner(entry);
  if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
    return Error{quote(path) + " at " + quote(ref) + " is not a file", {}, Exit::config};
  git_blob* blob = nullptr;
  if (git_blob_lookup(&blob, repo.get(), git_tree_entry_id(entry)) != 0) return last_error("cannot read " + quote(path));
  BlobPtr blob_owner(blob);
  auto size = static_cast<std::size_t>(git_blob_rawsize(blob));
  if (size > max_size)
    return Error{quote(path) + " at " + quote(ref) + " is larger than " + std::to_string(max_size) + " bytes", {},
                 Exit::config};
  return std::string(static_cast<const char*>(git_blob_rawcontent(blob)), size);
}

}  // namespace keel::git
