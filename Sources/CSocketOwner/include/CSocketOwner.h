#ifndef CSOCKETOWNER_H
#define CSOCKETOWNER_H
#include <stdint.h>

/// The answer of one exact socket lookup.
typedef enum {
    /// The kernel found the socket: `uid` is its owner's.
    SB_SOCKET_FOUND = 0,
    /// The kernel found the connection but no process owns it (TIME_WAIT, or a socket its owner closed).
    SB_SOCKET_ORPHAN = 1,
    /// No answer: the socket is not there, or the kernel cannot be asked (no sock_diag in a sandbox, the
    /// tcp_diag module missing). The kernel gives the same error for both, so the caller looks elsewhere.
    SB_SOCKET_UNANSWERED = 2,
} sb_socket_answer;

/// Who owns the TCP socket whose own address is `local`:`local_port` and whose peer is `peer`:`peer_port`,
/// asked of the kernel with one NETLINK_SOCK_DIAG request for exactly that 4-tuple (no table walk).
/// `family` is AF_INET (addresses are 4 bytes) or AF_INET6 (16 bytes); addresses in network order, ports in
/// host order. Linux only; elsewhere always SB_SOCKET_UNANSWERED.
sb_socket_answer sb_socket_owner(int family, const uint8_t *local, uint16_t local_port,
                                 const uint8_t *peer, uint16_t peer_port, uint32_t *uid);

#endif
