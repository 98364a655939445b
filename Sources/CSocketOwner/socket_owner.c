#include "CSocketOwner.h"

#ifdef __linux__
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/// Whether an address in the kernel's answer is `expected` (in the family asked). A dual-stack IPv6 socket
/// that reached an IPv4 address is found by an IPv4 lookup and reported in its own family, with the
/// IPv4-mapped form (`::ffff:a.b.c.d`); the other way round, an IPv4-mapped lookup can find an IPv4 socket.
static int same_address(int found_family, const __be32 *reported, int family, const uint8_t *expected) {
    if (found_family == family) return memcmp(reported, expected, family == AF_INET ? 4 : 16) == 0;
    if (family == AF_INET && found_family == AF_INET6)
        return memcmp(reported, mapped_prefix, 12) == 0 && memcmp(&reported[3], expected, 4) == 0;
    if (family == AF_INET6 && found_family == AF_INET)
        return memcmp(expected, mapped_prefix, 12) == 0 && memcmp(reported, expected + 12, 4) == 0;
    return 0;
}

sb_socket_answer sb_socket_owner(int family, const uint8_t *socket_address, uint16_t socket_port,
                                 const uint8_t *remote_address, uint16_t remote_port, uint32_t *uid) {
    size_t length = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
    if (length == 0 || socket_address == NULL || remote_address == NULL || uid == NULL) return SB_SOCKET_UNANSWERED;

    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return SB_SOCKET_UNANSWERED;
    // Connected to the kernel (port id 0): the kernel then refuses to deliver anything from any other sender.
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    if (connect(fd, (struct sockaddr *)&kernel, sizeof kernel) != 0) {
        close(fd);
        return SB_SOCKET_UNANSWERED;
    }

    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof message);
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    // No NLM_F_DUMP: an exact lookup by the 4-tuple, the kernel's own hash lookup.
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.header.nlmsg_seq = 1;
    message.request.sdiag_family = (uint8_t)family;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = ~0u;
    message.request.id.idiag_sport = htons(socket_port);
    message.request.id.idiag_dport = htons(remote_port);
    memcpy(message.request.id.idiag_src, socket_address, length);
    memcpy(message.request.id.idiag_dst, remote_address, length);
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

    if (send(fd, &message, sizeof message, 0) != (ssize_t)sizeof message) {
        close(fd);
        return SB_SOCKET_UNANSWERED;
    }

    // The kernel answers inside `send` (sock_diag's input runs in the sender's context), so the reply is
    // already queued: never wait for it (this runs on the listener's event loop).
    union { struct nlmsghdr header; char bytes[8192]; } reply;
    struct sockaddr_nl sender;
    socklen_t sender_length = sizeof sender;
    ssize_t n;
    do {
        memset(&sender, 0, sizeof sender);
        n = recvfrom(fd, &reply, sizeof reply, MSG_DONTWAIT, (struct sockaddr *)&sender, &sender_length);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n < 0 || sender_length < sizeof sender || sender.nl_family != AF_NETLINK || sender.nl_pid != 0)
        return SB_SOCKET_UNANSWERED;

    sb_socket_answer answer = SB_SOCKET_UNANSWERED;
    int remaining = (int)n;
    for (struct nlmsghdr *h = &reply.header; NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
        if (h->nlmsg_seq != 1) continue;
        if (h->nlmsg_type == NLMSG_ERROR) {
            const struct nlmsgerr *error = NLMSG_DATA(h);
            if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)) && error->error == -ENOENT) answer = SB_SOCKET_ABSENT;
            break;
        }
        if (h->nlmsg_type == NLMSG_DONE) break;
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) break;
        const struct inet_diag_msg *found = NLMSG_DATA(h);
        // The answer must be the socket asked for. This check is load-bearing: when no connected socket
        // matches, the kernel's lookup falls back to a *listening* socket on the asked address and port, which
        // may be one of ours (its remote port reads 0, so it fails here; LISTEN is refused besides).
        if (found->idiag_state == TCP_LISTEN
            || found->id.idiag_sport != htons(socket_port) || found->id.idiag_dport != htons(remote_port)
            || !same_address(found->idiag_family, found->id.idiag_src, family, socket_address)
            || !same_address(found->idiag_family, found->id.idiag_dst, family, remote_address))
            break;
        // TIME_WAIT, and sockets with no inode (closed by their owner: FIN_WAIT2, TIME_WAIT's substates,
        // half-open), belong to no process; the kernel reports uid 0 for them, which must never read as root.
        if (found->idiag_state == TCP_TIME_WAIT || found->idiag_inode == 0) {
            answer = SB_SOCKET_ORPHAN;
        } else {
            *uid = found->idiag_uid;
            answer = SB_SOCKET_FOUND;
        }
        break;
    }
    return answer;
}

#else

sb_socket_answer sb_socket_owner(int family, const uint8_t *socket_address, uint16_t socket_port,
                                 const uint8_t *remote_address, uint16_t remote_port, uint32_t *uid) {
    (void)family; (void)socket_address; (void)socket_port; (void)remote_address; (void)remote_port; (void)uid;
    return SB_SOCKET_UNANSWERED;
}

#endif
