package io.g4f.client.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which addresses a caller's image URL may reach: public ones, and the private hosts an allow-list names
 * ({@link io.g4f.client.ClientOptions#getAllowedPrivateImageHosts()}). Refused unless allowed: loopback
 * ({@code 127.0.0.0/8}, {@code ::1}), unspecified ({@code 0.0.0.0/8}, {@code ::}), link-local ({@code 169.254.0.0/16},
 * cloud metadata included, {@code fe80::/10}), private ({@code 10/8}, {@code 172.16/12}, {@code 192.168/16},
 * {@code fc00::/7}, {@code fec0::/10}), shared ({@code 100.64/10}), multicast and reserved ranges, and IPv6 forms
 * that carry one of those IPv4 addresses (IPv4-mapped, IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4
 * {@code 2002::/16}). An allow-list entry is a host name (that host, whatever it resolves to), an IP address or a
 * CIDR range ({@code 10.1.0.0/16}, {@code fd00::/8}).
 */
public final class ImageUrlGuard {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern HOST_NAME = Pattern.compile(
      "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?");

  /** A range of addresses and, for a refused range, the kind of address it holds ("a loopback address"). */
  private record Range(byte[] prefix, int bits, @Nullable String kind) {

    static Range parse(String cidr, @Nullable String kind) {
      int slash = cidr.indexOf('/');
      InetAddress address = literal(slash < 0 ? cidr : cidr.substring(0, slash));
      int max = address == null ? 0 : address.getAddress().length * 8;
      int bits;
      try {
        bits = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (address == null || bits < 0 || bits > max) {
        throw new IllegalArgumentException("'" + cidr + "' is not an IP address or a CIDR range");
      }
      return new Range(address.getAddress(), bits, kind);
    }

    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((address[i / 8] & mask) != (prefix[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  private static final List<Range> REFUSED = List.of(
      Range.parse("0.0.0.0/8", "an unspecified address"),
      Range.parse("10.0.0.0/8", "a private address"),
      Range.parse("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
      Range.parse("127.0.0.0/8", "a loopback address"),
      Range.parse("169.254.0.0/16", "a link-local address"),
      Range.parse("172.16.0.0/12", "a private address"),
      Range.parse("192.0.0.0/24", "a reserved address"),
      Range.parse("192.168.0.0/16", "a private address"),
      Range.parse("198.18.0.0/15", "a reserved address"),
      Range.parse("224.0.0.0/4", "a multicast address"),
      Range.parse("240.0.0.0/4", "a reserved address"),
      Range.parse("::/128", "an unspecified address"),
      Range.parse("::1/128", "a loopback address"),
      Range.parse("64:ff9b:1::/48", "a private address"),
      Range.parse("100::/64", "a reserved address"),
      Range.parse("fc00::/7", "a private address"),
      Range.parse("fe80::/10", "a link-local address"),
      Range.parse("fec0::/10", "a private address"),
      Range.parse("ff00::/8", "a multicast address"));

  /** IPv6 addresses that carry an IPv4 address, in bytes {@code from..from+3}. */
  private record Carrier(Range range, int from) {
  }

  private static final List<Carrier> CARRIERS = List.of(
      new Carrier(new Range(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0}, 96, null),
          12),
      new Carrier(Range.parse("::/96", null), 12),
      new Carrier(Range.parse("64:ff9b::/96", null), 12),
      new Carrier(Range.parse("2002::/16", null), 2));

  private final Set<String> names = new HashSet<>();
  private final List<Range> allowed = new ArrayList<>();

  private ImageUrlGuard(List<String> entries) {
    for (String entry : entries) {
      String trimmed = entry == null ? "" : entry.trim();
      if (trimmed.contains(":") || trimmed.contains("/") || IPV4.matcher(trimmed).matches()) {
        try {
          allowed.add(Range.parse(trimmed, null));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("allowedPrivateImageHosts: " + e.getMessage());
        }
      } else if (HOST_NAME.matcher(trimmed).matches()) {
        names.add(name(trimmed));
      } else {
        throw new IllegalArgumentException("allowedPrivateImageHosts: '" + entry
            + "' is not a host name, an IP address or a CIDR range");
      }
    }
  }

  /**
   * The guard for an allow-list.
   *
   * @throws IllegalArgumentException naming an entry that is not a host name, an IP address or a CIDR range
   */
  public static ImageUrlGuard of(List<String> allowedPrivateHosts) {
    return new ImageUrlGuard(allowedPrivateHosts);
  }

  /** Whether the allow-list names {@code host} itself (so any address it resolves to may be reached). */
  boolean allowsName(String host) {
    return names.contains(name(host));
  }

  /**
   * Why {@code address} may not be reached ("a loopback address"), or null when it may: it is public, or an
   * allow-list range holds it (or the IPv4 address it carries).
   */
  @Nullable String refusal(InetAddress address) {
    byte[] bytes = address.getAddress();
    byte[] carried = carriedIpv4(bytes);
    for (Range range : allowed) {
      if (range.contains(bytes) || carried != null && range.contains(carried)) {
        return null;
      }
    }
    for (Range range : REFUSED) {
      if (range.contains(bytes)) {
        return range.kind();
      }
    }
    for (Range range : carried == null ? List.<Range>of() : REFUSED) {
      if (range.contains(carried)) {
        return range.kind() + " (" + hostAddress(carried) + ")";
      }
    }
    return null;
  }

  private static byte @Nullable [] carriedIpv4(byte[] address) {
    for (Carrier carrier : CARRIERS) {
      if (carrier.range().contains(address)) {
        return Arrays.copyOfRange(address, carrier.from(), carrier.from() + 4);
      }
    }
    return null;
  }

  private static String hostAddress(byte[] ipv4) {
    try {
      return InetAddress.getByAddress(ipv4).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code text} as an IP address when it is an IPv4 or IPv6 literal (never a DNS lookup), else null. */
  private static @Nullable InetAddress literal(String text) {
    boolean ipv4 = IPV4.matcher(text).matches();
    if (ipv4 && Arrays.stream(text.split("\\.")).anyMatch(octet -> Integer.parseInt(octet) > 255)
        || !ipv4 && !text.contains(":")) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static String name(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }
}
