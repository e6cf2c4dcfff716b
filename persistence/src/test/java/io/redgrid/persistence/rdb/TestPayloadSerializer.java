package io.redgrid.persistence.rdb;

import akka.actor.ExtendedActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializerWithStringManifest;
import java.nio.charset.StandardCharsets;

/**
 * Serializes {@link TestPayload} as its actor path, as the TCK's TestSerializer: fails unless the
 * store serializes and deserializes with Akka's transport information of this system set.
 */
public final class TestPayloadSerializer extends SerializerWithStringManifest {
  static final String MANIFEST = "A";
  private final ExtendedActorSystem system;

  public TestPayloadSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  @Override
  public int identifier() {
    return 917_666;
  }

  @Override
  public String manifest(Object o) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    verifyTransportInformation();
    return Serialization.serializedActorPath(((TestPayload) o).ref()).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    verifyTransportInformation();
    if (!MANIFEST.equals(manifest)) {
      throw new IllegalArgumentException("unknown manifest " + manifest);
    }
    return new TestPayload(system.provider().resolveActorRef(new String(bytes, StandardCharsets.UTF_8)));
  }

  private void verifyTransportInformation() {
    Serialization.Information info = Serialization.getCurrentTransportInformation();
    if (info == null) {
      throw new IllegalStateException("currentTransportInformation was not set");
    }
    if (info.system() != system) {
      throw new IllegalStateException("wrong system in currentTransportInformation: " + info.system());
    }
    if (!info.address().equals(system.provider().getDefaultAddress())) {
      throw new IllegalStateException("wrong address in currentTransportInformation: " + info.address());
    }
  }
}
