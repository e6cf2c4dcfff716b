package io.redgrid.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.redgrid.config.ServerConfig;
import org.slf4j.LoggerFactory;

/** Applies Redis' {@code loglevel} and {@code logfile} directives to logback, at start and on CONFIG SET. */
final class Logging {
  private static final String PATTERN = "%d{dd MMM yyyy HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

  private Logging() {}

  static void configure(ServerConfig config) {
    root().setLevel(level(config.get("loglevel")));
    String file = config.get("logfile");
    if (!file.isEmpty()) {
      logTo(file);
    }
    config.onChange(changes -> {
      String level = changes.get("loglevel");
      if (level != null) {
        root().setLevel(level(level));
      }
    });
  }

  /** Redis' levels: debug and verbose show everything we log at debug, nothing silences all. */
  static Level level(String redisLevel) {
    return switch (redisLevel) {
      case "debug", "verbose" -> Level.DEBUG;
      case "warning" -> Level.WARN;
      case "nothing" -> Level.OFF;
      default -> Level.INFO;
    };
  }

  /** Like redis' logfile: append to the file instead of standard output. */
  private static void logTo(String file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setName("LOGFILE");
    appender.setFile(file);
    appender.setAppend(true);
    appender.setEncoder(encoder);
    appender.start();
    Logger root = root();
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
