package io.redgrid.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.redgrid.shard.KeyspaceShard;
import java.nio.file.Path;
import java.time.Duration;

/** Config of a test ActorSystem hosting RedGrid's persistence plugins, shared by the plugin TCK ports. */
public final class PluginTestConfig {
  /** How long a test waits for a plugin's reply. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private PluginTestConfig() {}

  /** {@code settings} (HOCON) over the plugins' defaults, the shard's defaults and Akka's reference. */
  public static Config withDefaults(String settings) {
    return ConfigFactory.parseString(settings)
        .withFallback(ConfigFactory.parseString("akka.loglevel = WARNING\n"))
        .withFallback(PersistencePlugins.akkaDefaults())
        .withFallback(KeyspaceShard.akkaDefaults())
        .withFallback(ConfigFactory.load());
  }

  /** A path as a quoted HOCON string (Windows separators would be escapes). */
  public static String quoted(Path path) {
    return "\"" + path.toString().replace("\\", "/") + "\"";
  }
}
