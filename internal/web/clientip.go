package web

import (
	"fmt"
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Proxies are the reverse proxies (FUYI_TRUSTED_PROXIES) whose X-Forwarded-For is believed. Empty: the
// client's address is the connection's peer, whatever the headers say.
type Proxies []*net.IPNet

// ParseProxies reads a comma-separated list of addresses and CIDR ranges ("127.0.0.1, 10.0.0.0/8").
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			ip := net.ParseIP(f)
			if ip == nil {
				return nil, fmt.Errorf("%q is not an address or CIDR range", f)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR range", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func (p Proxies) trusted(ip net.IP) bool {
	for _, n := range p {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// ClientAddr is the address of the client: the connection's peer unless that peer is a trusted proxy,
// then the right-most X-Forwarded-For entry that is not itself a trusted proxy. Entries to the left of it
// were written by the client and are never believed (a client can send any X-Forwarded-For it likes).
func (p Proxies) ClientAddr(peer net.IP, forwardedFor []string) string {
	if len(p) == 0 || peer == nil || !p.trusted(peer) {
		return ipString(peer)
	}
	var hops []string
	for _, h := range forwardedFor {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break // a malformed hop: stop at the last address we could vouch for
		}
		client = ip
		if !p.trusted(ip) {
			break
		}
	}
	return ipString(client)
}

func ipString(ip net.IP) string {
	if ip == nil {
		return ""
	}
	return ip.String()
}

// clientAddr records the client's address for ClientIP (login delays and the audit trail use it).
func clientAddr(p Proxies) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var xff []string
		if len(p) > 0 {
			for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
				xff = append(xff, string(v))
			}
		}
		c.Locals(clientIPKey, p.ClientAddr(c.Context().RemoteIP(), xff))
		return c.Next()
	}
}

const clientIPKey = "client_ip"

// ClientIP is the client's address as established by FUYI_TRUSTED_PROXIES (see Proxies.ClientAddr).
func ClientIP(c *fiber.Ctx) string {
	if s, ok := c.Locals(clientIPKey).(string); ok && s != "" {
		return s
	}
	return c.IP()
}
