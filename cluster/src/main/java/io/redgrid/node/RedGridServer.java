package io.redgrid.node;

import io.redgrid.config.ConfigException;
import io.redgrid.config.ServerConfig;
import java.util.concurrent.CountDownLatch;
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
    Node node;
    try {
      node = Node.start(config);
    } catch (RuntimeException e) {
      log.error("Failed to start: {}", e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      log.info("Received shutdown signal, scheduling shutdown...");
      node.close();
      stopped.countDown();
    }, "redgrid-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    node.shutdownRequested().thenAccept(save -> {
      log.info("User requested shutdown...");
      Runtime.getRuntime().removeShutdownHook(hook);
      node.close();
      log.info("RedGrid is now ready to exit, bye bye...");
      stopped.countDown();
    });
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.exit(0);
  }
}
