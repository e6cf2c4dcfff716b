package io.redgrid.node;

import io.redgrid.config.ConfigException;
import io.redgrid.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code redgrid-server [redis.conf] [--directive value ...]}: starts a node like redis-server. */
public final class RedGridServer {
  private static final Logger log = LoggerFactory.getLogger(RedGridServer.class);

  private RedGridServer() {}

  public static void main(String[] args) {
    ServerConfig config;
    try {
      config = ServerConfig.fromArgs(args);
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    if (!java.nio.file.Files.isDirectory(config.dir())) {
      // Redis chdirs into dir at start and stops when it cannot; data files will live there.
      System.err.println("Can't chdir to '" + config.get("dir") + "': No such file or directory");
      System.exit(1);
      return;
    }
    Logging.configure(config);
    Node node;
    try {
      node = Node.start(config);
    } catch (RuntimeException e) {
      log.error("Failed to start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    // SIGTERM / SIGINT: stop cleanly and exit 0 as Redis does (the JVM would exit 143/130).
    Thread hook = new Thread(() -> {
      if (node.shutdownRequested().toCompletableFuture().isDone()) {
        return; // SHUTDOWN already stopped the node and main is exiting
      }
      log.info("Received SIGTERM scheduling shutdown...");
      node.close();
      log.info("Redis is now ready to exit, bye bye...");
      Runtime.getRuntime().halt(0);
    }, "redgrid-signal-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    // A client's SHUTDOWN closes the node itself (see Node.start); then the process ends.
    node.shutdownRequested().toCompletableFuture().join();
    System.exit(0);
  }
}
