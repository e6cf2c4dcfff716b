package io.redgrid.node;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bind} directive as Redis 7 reads it: every address listed is bound; a {@code -}
 * prefix makes an address optional (skipped when the machine does not have it); {@code *} is
 * every IPv4 address and {@code ::*} every IPv6 one.
 */
record BindAddresses(List<Address> addresses) {
  /** One address to listen on; {@code optional} ones may be missing. */
  record Address(String host, boolean optional) {}

  static BindAddresses parse(String bind) {
    List<Address> addresses = new ArrayList<>();
    for (String word : bind.trim().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      boolean optional = word.startsWith("-");
      String host = optional ? word.substring(1) : word;
      if (host.equals("*")) {
        host = "0.0.0.0";
      } else if (host.equals("::*")) {
        host = "::";
      }
      addresses.add(new Address(host, optional));
    }
    // Java's IPv6 wildcard socket is dual-stack (Redis sets IPV6_V6ONLY): binding 0.0.0.0 as
    // well would fail with "address in use", and "::" already accepts IPv4 clients.
    boolean anyV6 = addresses.stream().anyMatch(a -> a.host().equals("::"));
    if (anyV6) {
      addresses.removeIf(a -> a.host().equals("0.0.0.0"));
    }
    if (addresses.isEmpty()) {
      addresses.add(new Address("0.0.0.0", false));
    }
    return new BindAddresses(List.copyOf(addresses));
  }

  /** Whether a bind failure means the address is not on this machine (what {@code -} forgives). */
  static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("Cannot assign requested address") || message.contains("not supported")
          || message.contains("unavailable") || message.contains("Protocol family")) {
        return true;
      }
    }
    return false;
  }
}
