#ifndef CSOCKETOWNER_H
#define CSOCKETOWNER_H
#include <stdint.h>

/// The answer of one exact socket lookup.
typedef enum {
    /// The kernel found the socket: `uid` is its owner's.
    SB_SOCKET_FOUND = 0,
    /// The kernel found the connection but no process owns it (TIME_WAIT, or a socket its owner closed).
    SB_SOCKET_ORPHAN = 1,
    /// No answer: the kernel cannot be asked (no sock_diag in a sandbox, out of descriptors or memory) or its
    /// reply was not the socket asked for.
    SB_SOCKET_UNANSWERED = 2,
    /// The kernel said ENOENT: no such socket, or no tcp_diag handler to ask (the same error for both; once the
    /// kernel has answered in this process, it means the socket).
    SB_SOCKET_ABSENT = 3,
} sb_socket_answer;

/// Who owns the connected TCP socket whose own end is `socket_address`:`socket_port` and whose other end is
/// `remote_address`:`remote_port`, asked of the kernel with one NETLINK_SOCK_DIAG request for exactly that
/// 4-tuple (no table walk). To learn who connected to a listener, `socket_*` is the *client's* end (the
/// listener's remote address) and `remote_*` the listener's: swapped, the kernel would name the listener's
/// own accepted socket, which is always ours.
/// `family` is AF_INET (addresses are 4 bytes) or AF_INET6 (16 bytes); addresses in network order, ports in
/// host order. Linux only; elsewhere always SB_SOCKET_UNANSWERED.
sb_socket_answer sb_socket_owner(int family, const uint8_t *socket_address, uint16_t socket_port,
                                 const uint8_t *remote_address, uint16_t remote_port, uint32_t *uid);

#endif
