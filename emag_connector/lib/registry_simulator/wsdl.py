"""The VIES ``checkVatService`` WSDL, as the Commission publishes it (trimmed
to the two operations a seller uses), pointing at the sandbox's endpoint."""

VIES_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat"
VIES_TYPES_NS = "urn:ec.europa.eu:taxud:vies:services:checkVat:types"

_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:wsdlsoap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:impl="{ns}" xmlns:tns1="{types}" targetNamespace="{ns}">
  <wsdl:types>
    <xsd:schema attributeFormDefault="qualified" elementFormDefault="qualified" targetNamespace="{types}">
      <xsd:element name="checkVat"><xsd:complexType><xsd:sequence>
        <xsd:element name="countryCode" type="xsd:string"/>
        <xsd:element name="vatNumber" type="xsd:string"/>
      </xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="checkVatResponse"><xsd:complexType><xsd:sequence>
        <xsd:element name="countryCode" type="xsd:string"/>
        <xsd:element name="vatNumber" type="xsd:string"/>
        <xsd:element name="requestDate" type="xsd:date"/>
        <xsd:element name="valid" type="xsd:boolean"/>
        <xsd:element maxOccurs="1" minOccurs="0" name="name" nillable="true" type="xsd:string"/>
        <xsd:element maxOccurs="1" minOccurs="0" name="address" nillable="true" type="xsd:string"/>
      </xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="checkVatApprox"><xsd:complexType><xsd:sequence>
        <xsd:element name="countryCode" type="xsd:string"/>
        <xsd:element name="vatNumber" type="xsd:string"/>
        <xsd:element maxOccurs="1" minOccurs="0" name="traderName" type="xsd:string"/>
        <xsd:element maxOccurs="1" minOccurs="0" name="requesterCountryCode" type="xsd:string"/>
        <xsd:element maxOccurs="1" minOccurs="0" name="requesterVatNumber" type="xsd:string"/>
      </xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="checkVatApproxResponse"><xsd:complexType><xsd:sequence>
        <xsd:element name="countryCode" type="xsd:string"/>
        <xsd:element name="vatNumber" type="xsd:string"/>
        <xsd:element name="requestDate" type="xsd:date"/>
        <xsd:element name="valid" type="xsd:boolean"/>
        <xsd:element maxOccurs="1" minOccurs="0" name="traderName" nillable="true" type="xsd:string"/>
        <xsd:element maxOccurs="1" minOccurs="0" name="traderAddress" nillable="true" type="xsd:string"/>
        <xsd:element name="requestIdentifier" type="xsd:string"/>
      </xsd:sequence></xsd:complexType></xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="checkVatRequest"><wsdl:part element="tns1:checkVat" name="parameters"/></wsdl:message>
  <wsdl:message name="checkVatResponse"><wsdl:part element="tns1:checkVatResponse" name="parameters"/></wsdl:message>
  <wsdl:message name="checkVatApproxRequest"><wsdl:part element="tns1:checkVatApprox" name="parameters"/></wsdl:message>
  <wsdl:message name="checkVatApproxResponse"><wsdl:part element="tns1:checkVatApproxResponse" name="parameters"/></wsdl:message>
  <wsdl:portType name="checkVatPortType">
    <wsdl:operation name="checkVat">
      <wsdl:input message="impl:checkVatRequest" name="checkVatRequest"/>
      <wsdl:output message="impl:checkVatResponse" name="checkVatResponse"/>
    </wsdl:operation>
    <wsdl:operation name="checkVatApprox">
      <wsdl:input message="impl:checkVatApproxRequest" name="checkVatApproxRequest"/>
      <wsdl:output message="impl:checkVatApproxResponse" name="checkVatApproxResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="checkVatBinding" type="impl:checkVatPortType">
    <wsdlsoap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="checkVat">
      <wsdlsoap:operation soapAction=""/>
      <wsdl:input name="checkVatRequest"><wsdlsoap:body use="literal"/></wsdl:input>
      <wsdl:output name="checkVatResponse"><wsdlsoap:body use="literal"/></wsdl:output>
    </wsdl:operation>
    <wsdl:operation name="checkVatApprox">
      <wsdlsoap:operation soapAction=""/>
      <wsdl:input name="checkVatApproxRequest"><wsdlsoap:body use="literal"/></wsdl:input>
      <wsdl:output name="checkVatApproxResponse"><wsdlsoap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="checkVatService">
    <wsdl:port binding="impl:checkVatBinding" name="checkVatPort">
      <wsdlsoap:address location="{endpoint}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""


def wsdl_text(endpoint):
    """The WSDL with ``endpoint`` as the SOAP address."""
    return _TEMPLATE.format(ns=VIES_NS, types=VIES_TYPES_NS, endpoint=endpoint)
