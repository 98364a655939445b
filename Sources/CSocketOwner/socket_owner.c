#include "CSocketOwner.h"

#ifdef __linux__
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>

/// Whether an address in the kernel's answer is `expected`. A dual-stack IPv6 socket that reached an IPv4
/// address is found by an IPv4 lookup and reported in its own family, with the IPv4-mapped form
/// (`::ffff:a.b.c.d`).
static int same_address(const struct inet_diag_msg *found, int family, const __be32 *reported, const uint8_t *expected) {
    if (found->idiag_family == family) return memcmp(reported, expected, family == AF_INET ? 4 : 16) == 0;
    if (family == AF_INET && found->idiag_family == AF_INET6) {
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        return memcmp(reported, mapped, 12) == 0 && memcmp(&reported[3], expected, 4) == 0;
    }
    return 0;
}

sb_socket_answer sb_socket_owner(int family, const uint8_t *local, uint16_t local_port,
                                 const uint8_t *peer, uint16_t peer_port, uint32_t *uid) {
    size_t length = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
    if (length == 0 || local == NULL || peer == NULL || uid == NULL) return SB_SOCKET_UNANSWERED;

    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return SB_SOCKET_UNANSWERED;
    // The kernel answers at once or not at all; a bound on the wait keeps an odd sandbox from holding the
    // caller (the listener's event loop).
    struct timeval wait = { .tv_sec = 0, .tv_usec = 200000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);

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
    message.request.id.idiag_sport = htons(local_port);
    message.request.id.idiag_dport = htons(peer_port);
    memcpy(message.request.id.idiag_src, local, length);
    memcpy(message.request.id.idiag_dst, peer, length);
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    if (sendto(fd, &message, sizeof message, 0, (struct sockaddr *)&kernel, sizeof kernel) != (ssize_t)sizeof message) {
        close(fd);
        return SB_SOCKET_UNANSWERED;
    }

    // One reply: the socket's inet_diag_msg, or an NLMSG_ERROR.
    union { struct nlmsghdr header; char bytes[8192]; } reply;
    ssize_t n;
    do { n = recv(fd, &reply, sizeof reply, 0); } while (n < 0 && errno == EINTR);
    close(fd);
    if (n < 0) return SB_SOCKET_UNANSWERED;

    sb_socket_answer answer = SB_SOCKET_UNANSWERED;
    int remaining = (int)n;
    for (struct nlmsghdr *h = &reply.header; NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
        if (h->nlmsg_seq != 1) continue;
        if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) break;
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) break;
        const struct inet_diag_msg *found = NLMSG_DATA(h);
        // The kernel's answer must be the socket asked for.
        if (found->id.idiag_sport != htons(local_port) || found->id.idiag_dport != htons(peer_port)
            || !same_address(found, family, found->id.idiag_src, local)
            || !same_address(found, family, found->id.idiag_dst, peer))
            break;
        // TIME_WAIT (6) and sockets with no inode belong to no process; the kernel prints uid 0 for them.
        if (found->idiag_state == 6 || found->idiag_inode == 0) {
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

sb_socket_answer sb_socket_owner(int family, const uint8_t *local, uint16_t local_port,
                                 const uint8_t *peer, uint16_t peer_port, uint32_t *uid) {
    (void)family; (void)local; (void)local_port; (void)peer; (void)peer_port; (void)uid;
    return SB_SOCKET_UNANSWERED;
}

#endif
