// LocalAddressTowards (see local_address.h): getaddrinfo, then connect and getsockname on UDP.
#include "train/local_address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace abcrnn::train {

namespace {

bool IsLoopback(const std::string& address) { return address.rfind("127.", 0) == 0 || address == "::1"; }

}  // namespace

Result<std::string> LocalAddressTowards(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_INET;  // IPv4 first, as the TCPStore and every rank then agree on a family
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    hints.ai_family = AF_UNSPEC;
    rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  }
  if (rc != 0)
    return Status::InvalidArgument("--master host '" + host + "' does not resolve (" + ::gai_strerror(rc) + ")");
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, SOCK_DGRAM, 0);
    if (fd < 0) continue;
    sockaddr_storage local{};
    socklen_t len = sizeof local;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
      ::close(fd);
      char text[INET6_ADDRSTRLEN] = {};
      const void* where = local.ss_family == AF_INET6
                              ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr)
                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr);
      ::freeaddrinfo(found);
      if (::inet_ntop(local.ss_family, where, text, sizeof text) == nullptr)
        return Status::InvalidArgument("--master host '" + host + "': the local address cannot be written");
      // The master names this machine by a name that resolves to loopback (Debian's 127.0.1.1
      // for the hostname): peers elsewhere could not call back there.
      if (IsLoopback(text) && host != "localhost" && !IsLoopback(host))
        return Status::InvalidArgument("--master " + host + " resolves to the loopback address " + text +
                                       " here, which other machines cannot reach: give rank 0's address on the "
                                       "network the machines share, or name the interface in GLOO_SOCKET_IFNAME");
      return std::string(text);
    }
    last_error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return Status::InvalidArgument("--master host '" + host + "': no route from this machine (" + last_error + ")");
}

}  // namespace abcrnn::train
