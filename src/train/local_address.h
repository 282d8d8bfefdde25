// The address this machine uses to reach a host: the local end of a route to it, found by
// connecting a UDP socket (which sends nothing). Gloo must bind there so that its peers can reach
// it; c10d's default (the address of the machine's hostname, else loopback) is wrong in network
// namespaces and containers.
#pragma once

#include <string>

#include "abcrnn/util/status.h"

namespace abcrnn::train {

// "10.0.0.2" for host "10.0.0.1" reached over a link holding 10.0.0.2, "127.0.0.1" for
// "localhost" (IPv4 preferred); an error naming the host when it does not resolve, no route leads
// there, or a name other than localhost resolves to loopback (other machines could not call back).
Result<std::string> LocalAddressTowards(const std::string& host, int port);

}  // namespace abcrnn::train
