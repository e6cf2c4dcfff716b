package io.redgrid.keyspace;

/** The time source of the keyspace, so that expiry can be tested without sleeping. */
@FunctionalInterface
public interface Clock {
  Clock SYSTEM = System::currentTimeMillis;

  long millis();
}
