package io.redgrid.node;

import io.redgrid.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A node started in-process on a free port, shared by the tests of one class. */
final class NodeFixture implements AutoCloseable {
  final Node node;

  /** Each fixture gets a data directory of its own unless the test names one. */
  NodeFixture(String... directives) {
    boolean hasDir = java.util.Arrays.asList(directives).contains("--dir");
    String[] args = new String[directives.length + (hasDir ? 2 : 4)];
    args[0] = "--port";
    args[1] = "0";
    if (!hasDir) {
      try {
        args[2] = "--dir";
        args[3] = java.nio.file.Files.createTempDirectory("redgrid-test").toString();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    System.arraycopy(directives, 0, args, hasDir ? 2 : 4, directives.length);
    try {
      node = Node.start(ServerConfig.fromArgs(args));
    } catch (io.redgrid.config.ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  int port() {
    return node.port();
  }

  /** Sends raw bytes on a fresh connection and returns everything read until the server closes or {@code expect} bytes arrived. */
  String raw(String request, int expect) throws IOException {
    try (Raw connection = new Raw("127.0.0.1", port())) {
      return connection.send(request).read(expect);
    }
  }

  /** A raw RESP connection: write inline commands, read what arrives. */
  static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw(String host, int port) throws IOException {
      socket = new Socket(host, port);
      socket.setSoTimeout(5000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    Raw send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return this;
    }

    /** Reads until {@code expect} bytes arrived, the server closed ("<closed>") or 5 s passed. */
    String read(int expect) throws IOException {
      StringBuilder received = new StringBuilder();
      byte[] buffer = new byte[8192];
      while (received.length() < expect) {
        int n;
        try {
          n = in.read(buffer);
        } catch (java.net.SocketTimeoutException e) {
          break;
        }
        if (n < 0) {
          received.append("<closed>");
          break;
        }
        received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
      }
      return received.toString();
    }

    /** One CRLF-terminated line. */
    String line() throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          return line.toString();
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.append("<closed>").toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Override
  public void close() {
    node.close();
  }
}
