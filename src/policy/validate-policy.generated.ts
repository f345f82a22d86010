// Generated from the policy schema (policies/schema.json) by npm run gen:policies; do not edit.
// @ts-nocheck
import type { ValidateFunction } from "ajv";
export const validatePolicy = validate10 as unknown as ValidateFunction;
const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","title":"mptcp-policy policy file, version 1","additionalProperties":false,"description":"mptcp-policy policy file","type":"object","required":["version"],"properties":{"version":{"description":"policy format version","const":1,"type":"number"},"rules":{"description":"ordered; the first matching rule decides","type":"array","items":{"additionalProperties":false,"type":"object","required":["match"],"properties":{"name":{"minLength":1,"description":"label shown in plans and logs","type":"string"},"match":{"additionalProperties":false,"minProperties":1,"description":"conditions that must all hold","type":"object","properties":{"interface":{"description":"kernel interface name glob, or a list of them","anyOf":[{"minLength":1,"description":"shell-style glob: * ? [abc]","type":"string"},{"minItems":1,"type":"array","items":{"minLength":1,"description":"shell-style glob: * ? [abc]","type":"string"}}]},"type":{"description":"NetworkManager device type, or a list of them","anyOf":[{"type":"string","enum":["ethernet","wifi","modem","bluetooth","wireguard","tun","vpn","vlan","bond","bridge","team","macvlan","vxlan","veth","ppp","infiniband","loopback","other","cellular","wwan","gsm","cdma","lte","wired","eth","wlan","wireless","wi-fi","bt","wg"],"title":"device type"},{"minItems":1,"type":"array","items":{"type":"string","enum":["ethernet","wifi","modem","bluetooth","wireguard","tun","vpn","vlan","bond","bridge","team","macvlan","vxlan","veth","ppp","infiniband","loopback","other","cellular","wwan","gsm","cdma","lte","wired","eth","wlan","wireless","wi-fi","bt","wg"],"title":"device type"}}]},"connection":{"description":"NetworkManager connection id glob, or a list of them","anyOf":[{"minLength":1,"description":"shell-style glob: * ? [abc]","type":"string"},{"minItems":1,"type":"array","items":{"minLength":1,"description":"shell-style glob: * ? [abc]","type":"string"}}]},"uuid":{"description":"NetworkManager connection UUID, or a list of them","anyOf":[{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","description":"connection UUID","type":"string"},{"minItems":1,"type":"array","items":{"pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$","description":"connection UUID","type":"string"}}]},"ssid":{"description":"Wi-Fi network name glob, or a list of them","anyOf":[{"minLength":1,"description":"shell-style glob: * ? [abc]","type":"string"},{"minItems":1,"type":"array","items":{"minLength":1,"description":"shell-style glob: * ? [abc]","type":"string"}}]},"metered":{"description":"NetworkManager's metered flag; guess-yes counts as yes","type":"boolean"}}},"ignore":{"description":"leave matching devices alone","const":true,"type":"boolean"},"endpoint":{"additionalProperties":false,"type":"object","required":["flags"],"properties":{"flags":{"minItems":1,"uniqueItems":true,"description":"MPTCP endpoint flags: signal and/or subflow, optionally backup, fullmesh","type":"array","items":{"type":"string","enum":["signal","subflow","backup","fullmesh"],"title":"endpoint flag"}},"port":{"minimum":0,"maximum":65535,"description":"port to announce (signal only); 0 means none","type":"integer"}}},"routing":{"description":"true, false or { table: N }","anyOf":[{"type":"boolean"},{"additionalProperties":false,"type":"object","required":["table"],"properties":{"table":{"minimum":1,"maximum":4294967295,"description":"routing table to pin","type":"integer"}}}]}}}},"addresses":{"additionalProperties":false,"type":"object","properties":{"ipv4":{"type":"boolean"},"ipv6":{"type":"boolean"},"skip":{"uniqueItems":true,"description":"address classes never used as endpoints (loopback always is skipped)","type":"array","items":{"type":"string","enum":["link-local","ula","temporary","deprecated","tentative"],"title":"address class"}}}},"limits":{"additionalProperties":false,"type":"object","properties":{"subflows":{"description":"auto or a number from 0 to 8","anyOf":[{"const":"auto","type":"string"},{"minimum":0,"maximum":8,"type":"integer"}]},"add-addr-accepted":{"description":"auto or a number from 0 to 8","anyOf":[{"const":"auto","type":"string"},{"minimum":0,"maximum":8,"type":"integer"}]}}},"routing":{"additionalProperties":false,"type":"object","properties":{"tables":{"description":"[first, last] routing tables for per-interface tables","type":"array","items":[{"minimum":1,"maximum":4294967295,"type":"integer"},{"minimum":1,"maximum":4294967295,"type":"integer"}],"additionalItems":false,"minItems":2,"maxItems":2},"priority":{"minimum":1,"maximum":32765,"description":"priority of source rules","type":"integer"},"protocol":{"minimum":1,"maximum":255,"description":"protocol number marking our routes and rules","type":"integer"}}},"endpoint-ids":{"description":"[first, last] MPTCP endpoint ids this tool owns","type":"array","items":[{"minimum":1,"maximum":255,"type":"integer"},{"minimum":1,"maximum":255,"type":"integer"}],"additionalItems":false,"minItems":2,"maxItems":2},"rp-filter":{"type":"string","enum":["loose","keep"],"title":"rp-filter mode","description":"loose: turn strict rp_filter into loose on managed links; keep: leave it"}}};
const pattern0 = new RegExp("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", "u");

function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.version === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "version"},message:"must have required property '"+"version"+"'",schema:schema11.required,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((((((key0 === "version") || (key0 === "rules")) || (key0 === "addresses")) || (key0 === "limits")) || (key0 === "routing")) || (key0 === "endpoint-ids")) || (key0 === "rp-filter"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.version !== undefined){
let data0 = data.version;
if(!((typeof data0 == "number") && (isFinite(data0)))){
const err2 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema11.properties.version.type,parentSchema:schema11.properties.version,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(1 !== data0){
const err3 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant",schema:1,parentSchema:schema11.properties.version,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.rules !== undefined){
let data1 = data.rules;
if(Array.isArray(data1)){
const len0 = data1.length;
for(let i0=0; i0<len0; i0++){
let data2 = data1[i0];
if(data2 && typeof data2 == "object" && !Array.isArray(data2)){
if(data2.match === undefined){
const err4 = {instancePath:instancePath+"/rules/" + i0,schemaPath:"#/properties/rules/items/required",keyword:"required",params:{missingProperty: "match"},message:"must have required property '"+"match"+"'",schema:schema11.properties.rules.items.required,parentSchema:schema11.properties.rules.items,data:data2};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
for(const key1 in data2){
if(!(((((key1 === "name") || (key1 === "match")) || (key1 === "ignore")) || (key1 === "endpoint")) || (key1 === "routing"))){
const err5 = {instancePath:instancePath+"/rules/" + i0,schemaPath:"#/properties/rules/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.rules.items,data:data2};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data2.name !== undefined){
let data3 = data2.name;
if(typeof data3 === "string"){
if(data3.length < 1){
const err6 = {instancePath:instancePath+"/rules/" + i0+"/name",schemaPath:"#/properties/rules/items/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.rules.items.properties.name,data:data3};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/rules/" + i0+"/name",schemaPath:"#/properties/rules/items/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.name.type,parentSchema:schema11.properties.rules.items.properties.name,data:data3};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data2.match !== undefined){
let data4 = data2.match;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(Object.keys(data4).length < 1){
const err8 = {instancePath:instancePath+"/rules/" + i0+"/match",schemaPath:"#/properties/rules/items/properties/match/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema11.properties.rules.items.properties.match,data:data4};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
for(const key2 in data4){
if(!((((((key2 === "interface") || (key2 === "type")) || (key2 === "connection")) || (key2 === "uuid")) || (key2 === "ssid")) || (key2 === "metered"))){
const err9 = {instancePath:instancePath+"/rules/" + i0+"/match",schemaPath:"#/properties/rules/items/properties/match/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.rules.items.properties.match,data:data4};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data4.interface !== undefined){
let data5 = data4.interface;
const _errs15 = errors;
let valid5 = false;
const _errs16 = errors;
if(typeof data5 === "string"){
if(data5.length < 1){
const err10 = {instancePath:instancePath+"/rules/" + i0+"/match/interface",schemaPath:"#/properties/rules/items/properties/match/properties/interface/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/rules/" + i0+"/match/interface",schemaPath:"#/properties/rules/items/properties/match/properties/interface/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[0].type,parentSchema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[0],data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
var _valid0 = _errs16 === errors;
valid5 = valid5 || _valid0;
if(!valid5){
const _errs18 = errors;
if(Array.isArray(data5)){
if(data5.length < 1){
const err12 = {instancePath:instancePath+"/rules/" + i0+"/match/interface",schemaPath:"#/properties/rules/items/properties/match/properties/interface/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
const len1 = data5.length;
for(let i1=0; i1<len1; i1++){
let data6 = data5[i1];
if(typeof data6 === "string"){
if(data6.length < 1){
const err13 = {instancePath:instancePath+"/rules/" + i0+"/match/interface/" + i1,schemaPath:"#/properties/rules/items/properties/match/properties/interface/anyOf/1/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[1].items,data:data6};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
else {
const err14 = {instancePath:instancePath+"/rules/" + i0+"/match/interface/" + i1,schemaPath:"#/properties/rules/items/properties/match/properties/interface/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[1].items.type,parentSchema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[1].items,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
else {
const err15 = {instancePath:instancePath+"/rules/" + i0+"/match/interface",schemaPath:"#/properties/rules/items/properties/match/properties/interface/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[1].type,parentSchema:schema11.properties.rules.items.properties.match.properties.interface.anyOf[1],data:data5};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
var _valid0 = _errs18 === errors;
valid5 = valid5 || _valid0;
}
if(!valid5){
const err16 = {instancePath:instancePath+"/rules/" + i0+"/match/interface",schemaPath:"#/properties/rules/items/properties/match/properties/interface/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.rules.items.properties.match.properties.interface.anyOf,parentSchema:schema11.properties.rules.items.properties.match.properties.interface,data:data5};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
else {
errors = _errs15;
if(vErrors !== null){
if(_errs15){
vErrors.length = _errs15;
}
else {
vErrors = null;
}
}
}
}
if(data4.type !== undefined){
let data7 = data4.type;
const _errs23 = errors;
let valid8 = false;
const _errs24 = errors;
if(typeof data7 !== "string"){
const err17 = {instancePath:instancePath+"/rules/" + i0+"/match/type",schemaPath:"#/properties/rules/items/properties/match/properties/type/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.type.anyOf[0].type,parentSchema:schema11.properties.rules.items.properties.match.properties.type.anyOf[0],data:data7};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
if(!((((((((((((((((((((((((((((((data7 === "ethernet") || (data7 === "wifi")) || (data7 === "modem")) || (data7 === "bluetooth")) || (data7 === "wireguard")) || (data7 === "tun")) || (data7 === "vpn")) || (data7 === "vlan")) || (data7 === "bond")) || (data7 === "bridge")) || (data7 === "team")) || (data7 === "macvlan")) || (data7 === "vxlan")) || (data7 === "veth")) || (data7 === "ppp")) || (data7 === "infiniband")) || (data7 === "loopback")) || (data7 === "other")) || (data7 === "cellular")) || (data7 === "wwan")) || (data7 === "gsm")) || (data7 === "cdma")) || (data7 === "lte")) || (data7 === "wired")) || (data7 === "eth")) || (data7 === "wlan")) || (data7 === "wireless")) || (data7 === "wi-fi")) || (data7 === "bt")) || (data7 === "wg"))){
const err18 = {instancePath:instancePath+"/rules/" + i0+"/match/type",schemaPath:"#/properties/rules/items/properties/match/properties/type/anyOf/0/enum",keyword:"enum",params:{allowedValues: schema11.properties.rules.items.properties.match.properties.type.anyOf[0].enum},message:"must be equal to one of the allowed values",schema:schema11.properties.rules.items.properties.match.properties.type.anyOf[0].enum,parentSchema:schema11.properties.rules.items.properties.match.properties.type.anyOf[0],data:data7};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
var _valid1 = _errs24 === errors;
valid8 = valid8 || _valid1;
if(!valid8){
const _errs26 = errors;
if(Array.isArray(data7)){
if(data7.length < 1){
const err19 = {instancePath:instancePath+"/rules/" + i0+"/match/type",schemaPath:"#/properties/rules/items/properties/match/properties/type/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.type.anyOf[1],data:data7};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
const len2 = data7.length;
for(let i2=0; i2<len2; i2++){
let data8 = data7[i2];
if(typeof data8 !== "string"){
const err20 = {instancePath:instancePath+"/rules/" + i0+"/match/type/" + i2,schemaPath:"#/properties/rules/items/properties/match/properties/type/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.type.anyOf[1].items.type,parentSchema:schema11.properties.rules.items.properties.match.properties.type.anyOf[1].items,data:data8};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
if(!((((((((((((((((((((((((((((((data8 === "ethernet") || (data8 === "wifi")) || (data8 === "modem")) || (data8 === "bluetooth")) || (data8 === "wireguard")) || (data8 === "tun")) || (data8 === "vpn")) || (data8 === "vlan")) || (data8 === "bond")) || (data8 === "bridge")) || (data8 === "team")) || (data8 === "macvlan")) || (data8 === "vxlan")) || (data8 === "veth")) || (data8 === "ppp")) || (data8 === "infiniband")) || (data8 === "loopback")) || (data8 === "other")) || (data8 === "cellular")) || (data8 === "wwan")) || (data8 === "gsm")) || (data8 === "cdma")) || (data8 === "lte")) || (data8 === "wired")) || (data8 === "eth")) || (data8 === "wlan")) || (data8 === "wireless")) || (data8 === "wi-fi")) || (data8 === "bt")) || (data8 === "wg"))){
const err21 = {instancePath:instancePath+"/rules/" + i0+"/match/type/" + i2,schemaPath:"#/properties/rules/items/properties/match/properties/type/anyOf/1/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.rules.items.properties.match.properties.type.anyOf[1].items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.rules.items.properties.match.properties.type.anyOf[1].items.enum,parentSchema:schema11.properties.rules.items.properties.match.properties.type.anyOf[1].items,data:data8};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
}
else {
const err22 = {instancePath:instancePath+"/rules/" + i0+"/match/type",schemaPath:"#/properties/rules/items/properties/match/properties/type/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.rules.items.properties.match.properties.type.anyOf[1].type,parentSchema:schema11.properties.rules.items.properties.match.properties.type.anyOf[1],data:data7};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
var _valid1 = _errs26 === errors;
valid8 = valid8 || _valid1;
}
if(!valid8){
const err23 = {instancePath:instancePath+"/rules/" + i0+"/match/type",schemaPath:"#/properties/rules/items/properties/match/properties/type/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.rules.items.properties.match.properties.type.anyOf,parentSchema:schema11.properties.rules.items.properties.match.properties.type,data:data7};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
else {
errors = _errs23;
if(vErrors !== null){
if(_errs23){
vErrors.length = _errs23;
}
else {
vErrors = null;
}
}
}
}
if(data4.connection !== undefined){
let data9 = data4.connection;
const _errs31 = errors;
let valid11 = false;
const _errs32 = errors;
if(typeof data9 === "string"){
if(data9.length < 1){
const err24 = {instancePath:instancePath+"/rules/" + i0+"/match/connection",schemaPath:"#/properties/rules/items/properties/match/properties/connection/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[0],data:data9};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/rules/" + i0+"/match/connection",schemaPath:"#/properties/rules/items/properties/match/properties/connection/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[0].type,parentSchema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[0],data:data9};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
var _valid2 = _errs32 === errors;
valid11 = valid11 || _valid2;
if(!valid11){
const _errs34 = errors;
if(Array.isArray(data9)){
if(data9.length < 1){
const err26 = {instancePath:instancePath+"/rules/" + i0+"/match/connection",schemaPath:"#/properties/rules/items/properties/match/properties/connection/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[1],data:data9};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
const len3 = data9.length;
for(let i3=0; i3<len3; i3++){
let data10 = data9[i3];
if(typeof data10 === "string"){
if(data10.length < 1){
const err27 = {instancePath:instancePath+"/rules/" + i0+"/match/connection/" + i3,schemaPath:"#/properties/rules/items/properties/match/properties/connection/anyOf/1/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[1].items,data:data10};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
else {
const err28 = {instancePath:instancePath+"/rules/" + i0+"/match/connection/" + i3,schemaPath:"#/properties/rules/items/properties/match/properties/connection/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[1].items.type,parentSchema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[1].items,data:data10};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
}
else {
const err29 = {instancePath:instancePath+"/rules/" + i0+"/match/connection",schemaPath:"#/properties/rules/items/properties/match/properties/connection/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[1].type,parentSchema:schema11.properties.rules.items.properties.match.properties.connection.anyOf[1],data:data9};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
var _valid2 = _errs34 === errors;
valid11 = valid11 || _valid2;
}
if(!valid11){
const err30 = {instancePath:instancePath+"/rules/" + i0+"/match/connection",schemaPath:"#/properties/rules/items/properties/match/properties/connection/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.rules.items.properties.match.properties.connection.anyOf,parentSchema:schema11.properties.rules.items.properties.match.properties.connection,data:data9};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
else {
errors = _errs31;
if(vErrors !== null){
if(_errs31){
vErrors.length = _errs31;
}
else {
vErrors = null;
}
}
}
}
if(data4.uuid !== undefined){
let data11 = data4.uuid;
const _errs39 = errors;
let valid14 = false;
const _errs40 = errors;
if(typeof data11 === "string"){
if(!pattern0.test(data11)){
const err31 = {instancePath:instancePath+"/rules/" + i0+"/match/uuid",schemaPath:"#/properties/rules/items/properties/match/properties/uuid/anyOf/0/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},message:"must match pattern \""+"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"+"\"",schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[0],data:data11};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
else {
const err32 = {instancePath:instancePath+"/rules/" + i0+"/match/uuid",schemaPath:"#/properties/rules/items/properties/match/properties/uuid/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[0].type,parentSchema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[0],data:data11};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
var _valid3 = _errs40 === errors;
valid14 = valid14 || _valid3;
if(!valid14){
const _errs42 = errors;
if(Array.isArray(data11)){
if(data11.length < 1){
const err33 = {instancePath:instancePath+"/rules/" + i0+"/match/uuid",schemaPath:"#/properties/rules/items/properties/match/properties/uuid/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[1],data:data11};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
const len4 = data11.length;
for(let i4=0; i4<len4; i4++){
let data12 = data11[i4];
if(typeof data12 === "string"){
if(!pattern0.test(data12)){
const err34 = {instancePath:instancePath+"/rules/" + i0+"/match/uuid/" + i4,schemaPath:"#/properties/rules/items/properties/match/properties/uuid/anyOf/1/items/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},message:"must match pattern \""+"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"+"\"",schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[1].items,data:data12};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
else {
const err35 = {instancePath:instancePath+"/rules/" + i0+"/match/uuid/" + i4,schemaPath:"#/properties/rules/items/properties/match/properties/uuid/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[1].items.type,parentSchema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[1].items,data:data12};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
}
else {
const err36 = {instancePath:instancePath+"/rules/" + i0+"/match/uuid",schemaPath:"#/properties/rules/items/properties/match/properties/uuid/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[1].type,parentSchema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf[1],data:data11};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
var _valid3 = _errs42 === errors;
valid14 = valid14 || _valid3;
}
if(!valid14){
const err37 = {instancePath:instancePath+"/rules/" + i0+"/match/uuid",schemaPath:"#/properties/rules/items/properties/match/properties/uuid/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.rules.items.properties.match.properties.uuid.anyOf,parentSchema:schema11.properties.rules.items.properties.match.properties.uuid,data:data11};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
else {
errors = _errs39;
if(vErrors !== null){
if(_errs39){
vErrors.length = _errs39;
}
else {
vErrors = null;
}
}
}
}
if(data4.ssid !== undefined){
let data13 = data4.ssid;
const _errs47 = errors;
let valid17 = false;
const _errs48 = errors;
if(typeof data13 === "string"){
if(data13.length < 1){
const err38 = {instancePath:instancePath+"/rules/" + i0+"/match/ssid",schemaPath:"#/properties/rules/items/properties/match/properties/ssid/anyOf/0/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[0],data:data13};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
else {
const err39 = {instancePath:instancePath+"/rules/" + i0+"/match/ssid",schemaPath:"#/properties/rules/items/properties/match/properties/ssid/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[0].type,parentSchema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[0],data:data13};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
var _valid4 = _errs48 === errors;
valid17 = valid17 || _valid4;
if(!valid17){
const _errs50 = errors;
if(Array.isArray(data13)){
if(data13.length < 1){
const err40 = {instancePath:instancePath+"/rules/" + i0+"/match/ssid",schemaPath:"#/properties/rules/items/properties/match/properties/ssid/anyOf/1/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[1],data:data13};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
const len5 = data13.length;
for(let i5=0; i5<len5; i5++){
let data14 = data13[i5];
if(typeof data14 === "string"){
if(data14.length < 1){
const err41 = {instancePath:instancePath+"/rules/" + i0+"/match/ssid/" + i5,schemaPath:"#/properties/rules/items/properties/match/properties/ssid/anyOf/1/items/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[1].items,data:data14};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
}
else {
const err42 = {instancePath:instancePath+"/rules/" + i0+"/match/ssid/" + i5,schemaPath:"#/properties/rules/items/properties/match/properties/ssid/anyOf/1/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[1].items.type,parentSchema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[1].items,data:data14};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
}
else {
const err43 = {instancePath:instancePath+"/rules/" + i0+"/match/ssid",schemaPath:"#/properties/rules/items/properties/match/properties/ssid/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[1].type,parentSchema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf[1],data:data13};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
var _valid4 = _errs50 === errors;
valid17 = valid17 || _valid4;
}
if(!valid17){
const err44 = {instancePath:instancePath+"/rules/" + i0+"/match/ssid",schemaPath:"#/properties/rules/items/properties/match/properties/ssid/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.rules.items.properties.match.properties.ssid.anyOf,parentSchema:schema11.properties.rules.items.properties.match.properties.ssid,data:data13};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
else {
errors = _errs47;
if(vErrors !== null){
if(_errs47){
vErrors.length = _errs47;
}
else {
vErrors = null;
}
}
}
}
if(data4.metered !== undefined){
let data15 = data4.metered;
if(typeof data15 !== "boolean"){
const err45 = {instancePath:instancePath+"/rules/" + i0+"/match/metered",schemaPath:"#/properties/rules/items/properties/match/properties/metered/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.rules.items.properties.match.properties.metered.type,parentSchema:schema11.properties.rules.items.properties.match.properties.metered,data:data15};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
else {
const err46 = {instancePath:instancePath+"/rules/" + i0+"/match",schemaPath:"#/properties/rules/items/properties/match/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.rules.items.properties.match.type,parentSchema:schema11.properties.rules.items.properties.match,data:data4};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
}
if(data2.ignore !== undefined){
let data16 = data2.ignore;
if(typeof data16 !== "boolean"){
const err47 = {instancePath:instancePath+"/rules/" + i0+"/ignore",schemaPath:"#/properties/rules/items/properties/ignore/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.rules.items.properties.ignore.type,parentSchema:schema11.properties.rules.items.properties.ignore,data:data16};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(true !== data16){
const err48 = {instancePath:instancePath+"/rules/" + i0+"/ignore",schemaPath:"#/properties/rules/items/properties/ignore/const",keyword:"const",params:{allowedValue: true},message:"must be equal to constant",schema:true,parentSchema:schema11.properties.rules.items.properties.ignore,data:data16};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
if(data2.endpoint !== undefined){
let data17 = data2.endpoint;
if(data17 && typeof data17 == "object" && !Array.isArray(data17)){
if(data17.flags === undefined){
const err49 = {instancePath:instancePath+"/rules/" + i0+"/endpoint",schemaPath:"#/properties/rules/items/properties/endpoint/required",keyword:"required",params:{missingProperty: "flags"},message:"must have required property '"+"flags"+"'",schema:schema11.properties.rules.items.properties.endpoint.required,parentSchema:schema11.properties.rules.items.properties.endpoint,data:data17};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
for(const key3 in data17){
if(!((key3 === "flags") || (key3 === "port"))){
const err50 = {instancePath:instancePath+"/rules/" + i0+"/endpoint",schemaPath:"#/properties/rules/items/properties/endpoint/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.rules.items.properties.endpoint,data:data17};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
}
if(data17.flags !== undefined){
let data18 = data17.flags;
if(Array.isArray(data18)){
if(data18.length < 1){
const err51 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/flags",schemaPath:"#/properties/rules/items/properties/endpoint/properties/flags/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.flags,data:data18};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
const len6 = data18.length;
for(let i6=0; i6<len6; i6++){
let data19 = data18[i6];
if(typeof data19 !== "string"){
const err52 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/flags/" + i6,schemaPath:"#/properties/rules/items/properties/endpoint/properties/flags/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.rules.items.properties.endpoint.properties.flags.items.type,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.flags.items,data:data19};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if(!((((data19 === "signal") || (data19 === "subflow")) || (data19 === "backup")) || (data19 === "fullmesh"))){
const err53 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/flags/" + i6,schemaPath:"#/properties/rules/items/properties/endpoint/properties/flags/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.rules.items.properties.endpoint.properties.flags.items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.rules.items.properties.endpoint.properties.flags.items.enum,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.flags.items,data:data19};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
}
let i7 = data18.length;
let j0;
if(i7 > 1){
const indices0 = {};
for(;i7--;){
let item0 = data18[i7];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err54 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/flags",schemaPath:"#/properties/rules/items/properties/endpoint/properties/flags/uniqueItems",keyword:"uniqueItems",params:{i: i7, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i7+" are identical)",schema:true,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.flags,data:data18};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
break;
}
indices0[item0] = i7;
}
}
}
else {
const err55 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/flags",schemaPath:"#/properties/rules/items/properties/endpoint/properties/flags/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.rules.items.properties.endpoint.properties.flags.type,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.flags,data:data18};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
if(data17.port !== undefined){
let data20 = data17.port;
if(!(((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20))) && (isFinite(data20)))){
const err56 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/port",schemaPath:"#/properties/rules/items/properties/endpoint/properties/port/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.rules.items.properties.endpoint.properties.port.type,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.port,data:data20};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if((typeof data20 == "number") && (isFinite(data20))){
if(data20 > 65535 || isNaN(data20)){
const err57 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/port",schemaPath:"#/properties/rules/items/properties/endpoint/properties/port/maximum",keyword:"maximum",params:{comparison: "<=", limit: 65535},message:"must be <= 65535",schema:65535,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.port,data:data20};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data20 < 0 || isNaN(data20)){
const err58 = {instancePath:instancePath+"/rules/" + i0+"/endpoint/port",schemaPath:"#/properties/rules/items/properties/endpoint/properties/port/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.rules.items.properties.endpoint.properties.port,data:data20};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
}
}
}
else {
const err59 = {instancePath:instancePath+"/rules/" + i0+"/endpoint",schemaPath:"#/properties/rules/items/properties/endpoint/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.rules.items.properties.endpoint.type,parentSchema:schema11.properties.rules.items.properties.endpoint,data:data17};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
}
if(data2.routing !== undefined){
let data21 = data2.routing;
const _errs68 = errors;
let valid24 = false;
const _errs69 = errors;
if(typeof data21 !== "boolean"){
const err60 = {instancePath:instancePath+"/rules/" + i0+"/routing",schemaPath:"#/properties/rules/items/properties/routing/anyOf/0/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.rules.items.properties.routing.anyOf[0].type,parentSchema:schema11.properties.rules.items.properties.routing.anyOf[0],data:data21};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
var _valid5 = _errs69 === errors;
valid24 = valid24 || _valid5;
if(!valid24){
const _errs71 = errors;
if(data21 && typeof data21 == "object" && !Array.isArray(data21)){
if(data21.table === undefined){
const err61 = {instancePath:instancePath+"/rules/" + i0+"/routing",schemaPath:"#/properties/rules/items/properties/routing/anyOf/1/required",keyword:"required",params:{missingProperty: "table"},message:"must have required property '"+"table"+"'",schema:schema11.properties.rules.items.properties.routing.anyOf[1].required,parentSchema:schema11.properties.rules.items.properties.routing.anyOf[1],data:data21};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
for(const key4 in data21){
if(!(key4 === "table")){
const err62 = {instancePath:instancePath+"/rules/" + i0+"/routing",schemaPath:"#/properties/rules/items/properties/routing/anyOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.rules.items.properties.routing.anyOf[1],data:data21};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data21.table !== undefined){
let data22 = data21.table;
if(!(((typeof data22 == "number") && (!(data22 % 1) && !isNaN(data22))) && (isFinite(data22)))){
const err63 = {instancePath:instancePath+"/rules/" + i0+"/routing/table",schemaPath:"#/properties/rules/items/properties/routing/anyOf/1/properties/table/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.rules.items.properties.routing.anyOf[1].properties.table.type,parentSchema:schema11.properties.rules.items.properties.routing.anyOf[1].properties.table,data:data22};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
if((typeof data22 == "number") && (isFinite(data22))){
if(data22 > 4294967295 || isNaN(data22)){
const err64 = {instancePath:instancePath+"/rules/" + i0+"/routing/table",schemaPath:"#/properties/rules/items/properties/routing/anyOf/1/properties/table/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295",schema:4294967295,parentSchema:schema11.properties.rules.items.properties.routing.anyOf[1].properties.table,data:data22};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
if(data22 < 1 || isNaN(data22)){
const err65 = {instancePath:instancePath+"/rules/" + i0+"/routing/table",schemaPath:"#/properties/rules/items/properties/routing/anyOf/1/properties/table/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.rules.items.properties.routing.anyOf[1].properties.table,data:data22};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
}
}
}
else {
const err66 = {instancePath:instancePath+"/rules/" + i0+"/routing",schemaPath:"#/properties/rules/items/properties/routing/anyOf/1/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.rules.items.properties.routing.anyOf[1].type,parentSchema:schema11.properties.rules.items.properties.routing.anyOf[1],data:data21};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
var _valid5 = _errs71 === errors;
valid24 = valid24 || _valid5;
}
if(!valid24){
const err67 = {instancePath:instancePath+"/rules/" + i0+"/routing",schemaPath:"#/properties/rules/items/properties/routing/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.rules.items.properties.routing.anyOf,parentSchema:schema11.properties.rules.items.properties.routing,data:data21};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
else {
errors = _errs68;
if(vErrors !== null){
if(_errs68){
vErrors.length = _errs68;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err68 = {instancePath:instancePath+"/rules/" + i0,schemaPath:"#/properties/rules/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.rules.items.type,parentSchema:schema11.properties.rules.items,data:data2};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
}
else {
const err69 = {instancePath:instancePath+"/rules",schemaPath:"#/properties/rules/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.rules.type,parentSchema:schema11.properties.rules,data:data1};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
if(data.addresses !== undefined){
let data23 = data.addresses;
if(data23 && typeof data23 == "object" && !Array.isArray(data23)){
for(const key5 in data23){
if(!(((key5 === "ipv4") || (key5 === "ipv6")) || (key5 === "skip"))){
const err70 = {instancePath:instancePath+"/addresses",schemaPath:"#/properties/addresses/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.addresses,data:data23};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
if(data23.ipv4 !== undefined){
let data24 = data23.ipv4;
if(typeof data24 !== "boolean"){
const err71 = {instancePath:instancePath+"/addresses/ipv4",schemaPath:"#/properties/addresses/properties/ipv4/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.addresses.properties.ipv4.type,parentSchema:schema11.properties.addresses.properties.ipv4,data:data24};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data23.ipv6 !== undefined){
let data25 = data23.ipv6;
if(typeof data25 !== "boolean"){
const err72 = {instancePath:instancePath+"/addresses/ipv6",schemaPath:"#/properties/addresses/properties/ipv6/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema11.properties.addresses.properties.ipv6.type,parentSchema:schema11.properties.addresses.properties.ipv6,data:data25};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
if(data23.skip !== undefined){
let data26 = data23.skip;
if(Array.isArray(data26)){
const len7 = data26.length;
for(let i8=0; i8<len7; i8++){
let data27 = data26[i8];
if(typeof data27 !== "string"){
const err73 = {instancePath:instancePath+"/addresses/skip/" + i8,schemaPath:"#/properties/addresses/properties/skip/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.addresses.properties.skip.items.type,parentSchema:schema11.properties.addresses.properties.skip.items,data:data27};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
if(!(((((data27 === "link-local") || (data27 === "ula")) || (data27 === "temporary")) || (data27 === "deprecated")) || (data27 === "tentative"))){
const err74 = {instancePath:instancePath+"/addresses/skip/" + i8,schemaPath:"#/properties/addresses/properties/skip/items/enum",keyword:"enum",params:{allowedValues: schema11.properties.addresses.properties.skip.items.enum},message:"must be equal to one of the allowed values",schema:schema11.properties.addresses.properties.skip.items.enum,parentSchema:schema11.properties.addresses.properties.skip.items,data:data27};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
let i9 = data26.length;
let j1;
if(i9 > 1){
const indices1 = {};
for(;i9--;){
let item1 = data26[i9];
if(typeof item1 !== "string"){
continue;
}
if(typeof indices1[item1] == "number"){
j1 = indices1[item1];
const err75 = {instancePath:instancePath+"/addresses/skip",schemaPath:"#/properties/addresses/properties/skip/uniqueItems",keyword:"uniqueItems",params:{i: i9, j: j1},message:"must NOT have duplicate items (items ## "+j1+" and "+i9+" are identical)",schema:true,parentSchema:schema11.properties.addresses.properties.skip,data:data26};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
break;
}
indices1[item1] = i9;
}
}
}
else {
const err76 = {instancePath:instancePath+"/addresses/skip",schemaPath:"#/properties/addresses/properties/skip/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.addresses.properties.skip.type,parentSchema:schema11.properties.addresses.properties.skip,data:data26};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
}
}
else {
const err77 = {instancePath:instancePath+"/addresses",schemaPath:"#/properties/addresses/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.addresses.type,parentSchema:schema11.properties.addresses,data:data23};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data.limits !== undefined){
let data28 = data.limits;
if(data28 && typeof data28 == "object" && !Array.isArray(data28)){
for(const key6 in data28){
if(!((key6 === "subflows") || (key6 === "add-addr-accepted"))){
const err78 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.limits,data:data28};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
if(data28.subflows !== undefined){
let data29 = data28.subflows;
const _errs91 = errors;
let valid31 = false;
const _errs92 = errors;
if(typeof data29 !== "string"){
const err79 = {instancePath:instancePath+"/limits/subflows",schemaPath:"#/properties/limits/properties/subflows/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.limits.properties.subflows.anyOf[0].type,parentSchema:schema11.properties.limits.properties.subflows.anyOf[0],data:data29};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
if("auto" !== data29){
const err80 = {instancePath:instancePath+"/limits/subflows",schemaPath:"#/properties/limits/properties/subflows/anyOf/0/const",keyword:"const",params:{allowedValue: "auto"},message:"must be equal to constant",schema:"auto",parentSchema:schema11.properties.limits.properties.subflows.anyOf[0],data:data29};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
var _valid6 = _errs92 === errors;
valid31 = valid31 || _valid6;
if(!valid31){
const _errs94 = errors;
if(!(((typeof data29 == "number") && (!(data29 % 1) && !isNaN(data29))) && (isFinite(data29)))){
const err81 = {instancePath:instancePath+"/limits/subflows",schemaPath:"#/properties/limits/properties/subflows/anyOf/1/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.limits.properties.subflows.anyOf[1].type,parentSchema:schema11.properties.limits.properties.subflows.anyOf[1],data:data29};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
if((typeof data29 == "number") && (isFinite(data29))){
if(data29 > 8 || isNaN(data29)){
const err82 = {instancePath:instancePath+"/limits/subflows",schemaPath:"#/properties/limits/properties/subflows/anyOf/1/maximum",keyword:"maximum",params:{comparison: "<=", limit: 8},message:"must be <= 8",schema:8,parentSchema:schema11.properties.limits.properties.subflows.anyOf[1],data:data29};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
if(data29 < 0 || isNaN(data29)){
const err83 = {instancePath:instancePath+"/limits/subflows",schemaPath:"#/properties/limits/properties/subflows/anyOf/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.limits.properties.subflows.anyOf[1],data:data29};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
}
var _valid6 = _errs94 === errors;
valid31 = valid31 || _valid6;
}
if(!valid31){
const err84 = {instancePath:instancePath+"/limits/subflows",schemaPath:"#/properties/limits/properties/subflows/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.limits.properties.subflows.anyOf,parentSchema:schema11.properties.limits.properties.subflows,data:data29};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
else {
errors = _errs91;
if(vErrors !== null){
if(_errs91){
vErrors.length = _errs91;
}
else {
vErrors = null;
}
}
}
}
if(data28["add-addr-accepted"] !== undefined){
let data30 = data28["add-addr-accepted"];
const _errs97 = errors;
let valid32 = false;
const _errs98 = errors;
if(typeof data30 !== "string"){
const err85 = {instancePath:instancePath+"/limits/add-addr-accepted",schemaPath:"#/properties/limits/properties/add-addr-accepted/anyOf/0/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties.limits.properties["add-addr-accepted"].anyOf[0].type,parentSchema:schema11.properties.limits.properties["add-addr-accepted"].anyOf[0],data:data30};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
if("auto" !== data30){
const err86 = {instancePath:instancePath+"/limits/add-addr-accepted",schemaPath:"#/properties/limits/properties/add-addr-accepted/anyOf/0/const",keyword:"const",params:{allowedValue: "auto"},message:"must be equal to constant",schema:"auto",parentSchema:schema11.properties.limits.properties["add-addr-accepted"].anyOf[0],data:data30};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
var _valid7 = _errs98 === errors;
valid32 = valid32 || _valid7;
if(!valid32){
const _errs100 = errors;
if(!(((typeof data30 == "number") && (!(data30 % 1) && !isNaN(data30))) && (isFinite(data30)))){
const err87 = {instancePath:instancePath+"/limits/add-addr-accepted",schemaPath:"#/properties/limits/properties/add-addr-accepted/anyOf/1/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.limits.properties["add-addr-accepted"].anyOf[1].type,parentSchema:schema11.properties.limits.properties["add-addr-accepted"].anyOf[1],data:data30};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
if((typeof data30 == "number") && (isFinite(data30))){
if(data30 > 8 || isNaN(data30)){
const err88 = {instancePath:instancePath+"/limits/add-addr-accepted",schemaPath:"#/properties/limits/properties/add-addr-accepted/anyOf/1/maximum",keyword:"maximum",params:{comparison: "<=", limit: 8},message:"must be <= 8",schema:8,parentSchema:schema11.properties.limits.properties["add-addr-accepted"].anyOf[1],data:data30};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
if(data30 < 0 || isNaN(data30)){
const err89 = {instancePath:instancePath+"/limits/add-addr-accepted",schemaPath:"#/properties/limits/properties/add-addr-accepted/anyOf/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema11.properties.limits.properties["add-addr-accepted"].anyOf[1],data:data30};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
}
var _valid7 = _errs100 === errors;
valid32 = valid32 || _valid7;
}
if(!valid32){
const err90 = {instancePath:instancePath+"/limits/add-addr-accepted",schemaPath:"#/properties/limits/properties/add-addr-accepted/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema11.properties.limits.properties["add-addr-accepted"].anyOf,parentSchema:schema11.properties.limits.properties["add-addr-accepted"],data:data30};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
else {
errors = _errs97;
if(vErrors !== null){
if(_errs97){
vErrors.length = _errs97;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err91 = {instancePath:instancePath+"/limits",schemaPath:"#/properties/limits/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.limits.type,parentSchema:schema11.properties.limits,data:data28};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data.routing !== undefined){
let data31 = data.routing;
if(data31 && typeof data31 == "object" && !Array.isArray(data31)){
for(const key7 in data31){
if(!(((key7 === "tables") || (key7 === "priority")) || (key7 === "protocol"))){
const err92 = {instancePath:instancePath+"/routing",schemaPath:"#/properties/routing/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties",schema:false,parentSchema:schema11.properties.routing,data:data31};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
if(data31.tables !== undefined){
let data32 = data31.tables;
if(Array.isArray(data32)){
if(data32.length > 2){
const err93 = {instancePath:instancePath+"/routing/tables",schemaPath:"#/properties/routing/properties/tables/maxItems",keyword:"maxItems",params:{limit: 2},message:"must NOT have more than 2 items",schema:2,parentSchema:schema11.properties.routing.properties.tables,data:data32};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
if(data32.length < 2){
const err94 = {instancePath:instancePath+"/routing/tables",schemaPath:"#/properties/routing/properties/tables/minItems",keyword:"minItems",params:{limit: 2},message:"must NOT have fewer than 2 items",schema:2,parentSchema:schema11.properties.routing.properties.tables,data:data32};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
const len8 = data32.length;
if(!(len8 <= 2)){
const err95 = {instancePath:instancePath+"/routing/tables",schemaPath:"#/properties/routing/properties/tables/additionalItems",keyword:"additionalItems",params:{limit: 2},message:"must NOT have more than 2 items",schema:false,parentSchema:schema11.properties.routing.properties.tables,data:data32};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
const len9 = data32.length;
if(len9 > 0){
let data33 = data32[0];
if(!(((typeof data33 == "number") && (!(data33 % 1) && !isNaN(data33))) && (isFinite(data33)))){
const err96 = {instancePath:instancePath+"/routing/tables/0",schemaPath:"#/properties/routing/properties/tables/items/0/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.routing.properties.tables.items[0].type,parentSchema:schema11.properties.routing.properties.tables.items[0],data:data33};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
if((typeof data33 == "number") && (isFinite(data33))){
if(data33 > 4294967295 || isNaN(data33)){
const err97 = {instancePath:instancePath+"/routing/tables/0",schemaPath:"#/properties/routing/properties/tables/items/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295",schema:4294967295,parentSchema:schema11.properties.routing.properties.tables.items[0],data:data33};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
if(data33 < 1 || isNaN(data33)){
const err98 = {instancePath:instancePath+"/routing/tables/0",schemaPath:"#/properties/routing/properties/tables/items/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.routing.properties.tables.items[0],data:data33};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
}
if(len9 > 1){
let data34 = data32[1];
if(!(((typeof data34 == "number") && (!(data34 % 1) && !isNaN(data34))) && (isFinite(data34)))){
const err99 = {instancePath:instancePath+"/routing/tables/1",schemaPath:"#/properties/routing/properties/tables/items/1/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.routing.properties.tables.items[1].type,parentSchema:schema11.properties.routing.properties.tables.items[1],data:data34};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
if((typeof data34 == "number") && (isFinite(data34))){
if(data34 > 4294967295 || isNaN(data34)){
const err100 = {instancePath:instancePath+"/routing/tables/1",schemaPath:"#/properties/routing/properties/tables/items/1/maximum",keyword:"maximum",params:{comparison: "<=", limit: 4294967295},message:"must be <= 4294967295",schema:4294967295,parentSchema:schema11.properties.routing.properties.tables.items[1],data:data34};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
if(data34 < 1 || isNaN(data34)){
const err101 = {instancePath:instancePath+"/routing/tables/1",schemaPath:"#/properties/routing/properties/tables/items/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.routing.properties.tables.items[1],data:data34};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
}
}
else {
const err102 = {instancePath:instancePath+"/routing/tables",schemaPath:"#/properties/routing/properties/tables/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.routing.properties.tables.type,parentSchema:schema11.properties.routing.properties.tables,data:data32};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
}
if(data31.priority !== undefined){
let data35 = data31.priority;
if(!(((typeof data35 == "number") && (!(data35 % 1) && !isNaN(data35))) && (isFinite(data35)))){
const err103 = {instancePath:instancePath+"/routing/priority",schemaPath:"#/properties/routing/properties/priority/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.routing.properties.priority.type,parentSchema:schema11.properties.routing.properties.priority,data:data35};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
if((typeof data35 == "number") && (isFinite(data35))){
if(data35 > 32765 || isNaN(data35)){
const err104 = {instancePath:instancePath+"/routing/priority",schemaPath:"#/properties/routing/properties/priority/maximum",keyword:"maximum",params:{comparison: "<=", limit: 32765},message:"must be <= 32765",schema:32765,parentSchema:schema11.properties.routing.properties.priority,data:data35};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
if(data35 < 1 || isNaN(data35)){
const err105 = {instancePath:instancePath+"/routing/priority",schemaPath:"#/properties/routing/properties/priority/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.routing.properties.priority,data:data35};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
}
if(data31.protocol !== undefined){
let data36 = data31.protocol;
if(!(((typeof data36 == "number") && (!(data36 % 1) && !isNaN(data36))) && (isFinite(data36)))){
const err106 = {instancePath:instancePath+"/routing/protocol",schemaPath:"#/properties/routing/properties/protocol/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties.routing.properties.protocol.type,parentSchema:schema11.properties.routing.properties.protocol,data:data36};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
if((typeof data36 == "number") && (isFinite(data36))){
if(data36 > 255 || isNaN(data36)){
const err107 = {instancePath:instancePath+"/routing/protocol",schemaPath:"#/properties/routing/properties/protocol/maximum",keyword:"maximum",params:{comparison: "<=", limit: 255},message:"must be <= 255",schema:255,parentSchema:schema11.properties.routing.properties.protocol,data:data36};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
if(data36 < 1 || isNaN(data36)){
const err108 = {instancePath:instancePath+"/routing/protocol",schemaPath:"#/properties/routing/properties/protocol/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties.routing.properties.protocol,data:data36};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
}
}
else {
const err109 = {instancePath:instancePath+"/routing",schemaPath:"#/properties/routing/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.properties.routing.type,parentSchema:schema11.properties.routing,data:data31};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
if(data["endpoint-ids"] !== undefined){
let data37 = data["endpoint-ids"];
if(Array.isArray(data37)){
if(data37.length > 2){
const err110 = {instancePath:instancePath+"/endpoint-ids",schemaPath:"#/properties/endpoint-ids/maxItems",keyword:"maxItems",params:{limit: 2},message:"must NOT have more than 2 items",schema:2,parentSchema:schema11.properties["endpoint-ids"],data:data37};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
if(data37.length < 2){
const err111 = {instancePath:instancePath+"/endpoint-ids",schemaPath:"#/properties/endpoint-ids/minItems",keyword:"minItems",params:{limit: 2},message:"must NOT have fewer than 2 items",schema:2,parentSchema:schema11.properties["endpoint-ids"],data:data37};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
const len10 = data37.length;
if(!(len10 <= 2)){
const err112 = {instancePath:instancePath+"/endpoint-ids",schemaPath:"#/properties/endpoint-ids/additionalItems",keyword:"additionalItems",params:{limit: 2},message:"must NOT have more than 2 items",schema:false,parentSchema:schema11.properties["endpoint-ids"],data:data37};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
const len11 = data37.length;
if(len11 > 0){
let data38 = data37[0];
if(!(((typeof data38 == "number") && (!(data38 % 1) && !isNaN(data38))) && (isFinite(data38)))){
const err113 = {instancePath:instancePath+"/endpoint-ids/0",schemaPath:"#/properties/endpoint-ids/items/0/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties["endpoint-ids"].items[0].type,parentSchema:schema11.properties["endpoint-ids"].items[0],data:data38};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
if((typeof data38 == "number") && (isFinite(data38))){
if(data38 > 255 || isNaN(data38)){
const err114 = {instancePath:instancePath+"/endpoint-ids/0",schemaPath:"#/properties/endpoint-ids/items/0/maximum",keyword:"maximum",params:{comparison: "<=", limit: 255},message:"must be <= 255",schema:255,parentSchema:schema11.properties["endpoint-ids"].items[0],data:data38};
if(vErrors === null){
vErrors = [err114];
}
else {
vErrors.push(err114);
}
errors++;
}
if(data38 < 1 || isNaN(data38)){
const err115 = {instancePath:instancePath+"/endpoint-ids/0",schemaPath:"#/properties/endpoint-ids/items/0/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties["endpoint-ids"].items[0],data:data38};
if(vErrors === null){
vErrors = [err115];
}
else {
vErrors.push(err115);
}
errors++;
}
}
}
if(len11 > 1){
let data39 = data37[1];
if(!(((typeof data39 == "number") && (!(data39 % 1) && !isNaN(data39))) && (isFinite(data39)))){
const err116 = {instancePath:instancePath+"/endpoint-ids/1",schemaPath:"#/properties/endpoint-ids/items/1/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema11.properties["endpoint-ids"].items[1].type,parentSchema:schema11.properties["endpoint-ids"].items[1],data:data39};
if(vErrors === null){
vErrors = [err116];
}
else {
vErrors.push(err116);
}
errors++;
}
if((typeof data39 == "number") && (isFinite(data39))){
if(data39 > 255 || isNaN(data39)){
const err117 = {instancePath:instancePath+"/endpoint-ids/1",schemaPath:"#/properties/endpoint-ids/items/1/maximum",keyword:"maximum",params:{comparison: "<=", limit: 255},message:"must be <= 255",schema:255,parentSchema:schema11.properties["endpoint-ids"].items[1],data:data39};
if(vErrors === null){
vErrors = [err117];
}
else {
vErrors.push(err117);
}
errors++;
}
if(data39 < 1 || isNaN(data39)){
const err118 = {instancePath:instancePath+"/endpoint-ids/1",schemaPath:"#/properties/endpoint-ids/items/1/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema11.properties["endpoint-ids"].items[1],data:data39};
if(vErrors === null){
vErrors = [err118];
}
else {
vErrors.push(err118);
}
errors++;
}
}
}
}
else {
const err119 = {instancePath:instancePath+"/endpoint-ids",schemaPath:"#/properties/endpoint-ids/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties["endpoint-ids"].type,parentSchema:schema11.properties["endpoint-ids"],data:data37};
if(vErrors === null){
vErrors = [err119];
}
else {
vErrors.push(err119);
}
errors++;
}
}
if(data["rp-filter"] !== undefined){
let data40 = data["rp-filter"];
if(typeof data40 !== "string"){
const err120 = {instancePath:instancePath+"/rp-filter",schemaPath:"#/properties/rp-filter/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema11.properties["rp-filter"].type,parentSchema:schema11.properties["rp-filter"],data:data40};
if(vErrors === null){
vErrors = [err120];
}
else {
vErrors.push(err120);
}
errors++;
}
if(!((data40 === "loose") || (data40 === "keep"))){
const err121 = {instancePath:instancePath+"/rp-filter",schemaPath:"#/properties/rp-filter/enum",keyword:"enum",params:{allowedValues: schema11.properties["rp-filter"].enum},message:"must be equal to one of the allowed values",schema:schema11.properties["rp-filter"].enum,parentSchema:schema11.properties["rp-filter"],data:data40};
if(vErrors === null){
vErrors = [err121];
}
else {
vErrors.push(err121);
}
errors++;
}
}
}
else {
const err122 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};
if(vErrors === null){
vErrors = [err122];
}
else {
vErrors.push(err122);
}
errors++;
}
validate10.errors = vErrors;
return errors === 0;
}
