package io.herald.load;

import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Parses SVG text as XML, so a test can assert it is well formed and look inside. */
public final class Svg {

  private Svg() {
  }

  /** The document, after asserting its root is an SVG element in the SVG namespace. */
  public static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    return doc;
  }

  public static int count(Document doc, String element) {
    return doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", element).getLength();
  }
}
