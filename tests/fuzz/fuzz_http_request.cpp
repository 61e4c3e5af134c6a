// Raw bytes to the HTTP port of the real server, over a real loopback TCP connection: the
// RequestGuard, Qt's HTTP parser, HttpFrontend's checks, routing, the route handlers (preset
// import with its multipart parser included). One connection per input: the bytes are sent,
// the write side is closed, and the answers are read until the server closes.

#include "LiveServer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cstddef>
#include <cstdint>

namespace {

soundlab::fuzz::LiveServer* server = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    server = new soundlab::fuzz::LiveServer;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) soundlab::fuzz::fail("socket() failed");
    // A server that stops answering is a finding too: libFuzzer's -timeout reports it.
    const timeval timeout{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server->server->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        soundlab::fuzz::fail("cannot connect to the API server");
    size_t sent = 0;
    while (sent < size) {
        // The server may answer and close early (413, 431): the rest is then refused.
        const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += size_t(n);
    }
    ::shutdown(fd, SHUT_WR);
    char answer[16384];
    while (::recv(fd, answer, sizeof answer, 0) > 0) {
    }
    ::close(fd);
    return 0;
}
