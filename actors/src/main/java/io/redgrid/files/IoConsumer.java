package io.redgrid.files;

import java.io.IOException;

/** A consumer that may fail with an I/O error. */
@FunctionalInterface
public interface IoConsumer<T> {
  void accept(T t) throws IOException;
}
